// Another team's form and flow, deployed through the API: the SME billing team chases overdue
// invoices of small-business customers. It reuses the pack's `email.send` handler (so the contact
// hours and do-not-contact rules apply to its e-mails too) and brings its own form and team.
//
//   npx tsx examples/invoice-dunning/deploy.ts
//
// with COLLECTFLOW_URL and COLLECTFLOW_TOKEN of an administrator (the team needs users.admin, the
// form forms.design, the flow process.deploy). Running it again changes nothing and starts no flow twice.
import { readFile } from 'node:fs/promises';
import { ApiError, CollectflowClient } from '../shared/collectflow.client.js';

export interface Invoice {
  invoiceNumber: string;
  customerName: string;
  customerEmail: string;
  amount: string;
  currency: string;
  issuedOn: string;
  dueDate: string;
}

const TEAM = { id: 'sme-billing', name: { 'zh-CN': '小微企业账款组', en: 'SME billing' } };

const read = async (name: string) => readFile(new URL(`./${name}`, import.meta.url), 'utf8');

/** The reminder's text in both languages; the pack's email.send renders the one of `preferredLanguage`. */
function template(invoice: Invoice) {
  const amount = `${invoice.currency} ${invoice.amount}`;
  return {
    'zh-CN': {
      subject: `发票 ${invoice.invoiceNumber} 付款提醒`,
      body: `${invoice.customerName}您好：发票 ${invoice.invoiceNumber}（${amount}）已于 ${invoice.dueDate} 到期，请尽快安排付款。如已付款，请忽略本邮件。`,
    },
    en: {
      subject: `Invoice ${invoice.invoiceNumber}: payment reminder`,
      body: `Dear ${invoice.customerName}, invoice ${invoice.invoiceNumber} (${amount}) fell due on ${invoice.dueDate}. Please arrange payment; if you have paid already, please ignore this e-mail.`,
    },
  };
}

export async function deployInvoiceDunning(api: CollectflowClient, invoices: Invoice[]) {
  await api.put(`/api/teams/${TEAM.id}`, { name: TEAM.name });
  const formVersion = await api.publishForm(JSON.parse(await read('sme-invoice.form.json')));
  const { deployment } = await api.deploy(await read('invoice-dunning.bpmn'));
  const started: string[] = [];
  for (const invoice of invoices) {
    const query = new URLSearchParams({
      processKey: deployment.processKey,
      businessKey: invoice.invoiceNumber,
    });
    const running = await api.get<{ items: unknown[] }>(`/api/instances?${query}`);
    if (running.items.length > 0) continue;
    await api.post('/api/forms/sme-invoice/records', {
      data: { ...invoice, paid: false },
      ownerTeamId: TEAM.id,
    });
    const instance = await api.post<{ instance: { id: string } }>('/api/instances', {
      processKey: deployment.processKey,
      businessKey: invoice.invoiceNumber,
      variables: {
        ...invoice,
        caseNumber: invoice.invoiceNumber,
        email: invoice.customerEmail,
        jurisdiction: 'CN',
        timeZone: 'Asia/Shanghai',
        preferredLanguage: 'zh',
        template: template(invoice),
      },
    });
    started.push(instance.instance.id);
  }
  return { formVersion, processVersion: deployment.version, started };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const api = await CollectflowClient.fromEnv();
    const invoices = JSON.parse(await read('invoices.json')) as Invoice[];
    const result = await deployInvoiceDunning(api, invoices);
    console.log(
      `sme-invoice@${result.formVersion} and invoice-dunning@${result.processVersion} deployed; ` +
        `${result.started.length} invoice(s) being chased by the team ${TEAM.id}`,
    );
  } catch (error) {
    console.error(error instanceof ApiError || error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
