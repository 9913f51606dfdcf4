// Imports a CSV of debts through the REST API and starts soft collection for each new case.
//
//   npx tsx examples/csv-import/import-debts.ts [file.csv]
//
// with COLLECTFLOW_URL and COLLECTFLOW_TOKEN (see ../shared/collectflow.client.ts). The record
// types come from the forms themselves:
//
//   npx collectflow codegen --out examples/csv-import/types definitions/forms/debtor.form.json definitions/forms/debt-case.form.json
//
// so a column mapped to a field that the form does not have, or a value of the wrong kind, is a
// compile error here rather than a 422 at run time. A case already there (by case number) is skipped.
import { readFile } from 'node:fs/promises';
import { ApiError, CollectflowClient } from '../shared/collectflow.client.js';
import type { DebtCase } from './types/debt-case.types.js';
import type { Debtor, PhoneNumber } from './types/debtor.types.js';

interface RecordView<T> {
  id: string;
  data: T;
}

/** RFC 4180 with a header line: commas, double quotes, "" for a quote inside a quoted field. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  const [header = [], ...body] = rows;
  return body.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}

function debtorOf(row: Record<string, string>): Debtor {
  return {
    debtorNo: row.debtorNo!,
    partyType: 'PERSON',
    name: row.name!,
    idType: row.idType as Debtor['idType'],
    idNumber: row.idNumber!,
    phones: row.phone
      ? [
          {
            // The generator types a $ref'd string format as an object; the value is the string.
            number: row.phone as PhoneNumber & string,
            kind: 'MOBILE',
            status: 'VALID',
            smsConsent: row.smsConsent === 'true',
            primary: true,
          },
        ]
      : [],
    emails: row.email ? [{ address: row.email, optOut: false }] : [],
    timeZone: row.timeZone!,
    preferredLanguage: row.language as Debtor['preferredLanguage'],
    doNotContact: [],
    bankruptcy: { status: 'NONE' },
    deceased: false,
  };
}

function caseOf(row: Record<string, string>): DebtCase {
  return {
    caseNumber: row.caseNumber!,
    debtorNo: row.debtorNo!,
    debtorName: row.name!,
    jurisdiction: row.jurisdiction as DebtCase['jurisdiction'],
    creditor: { name: row.creditor! },
    currency: row.currency!,
    principal: row.principal!,
    interest: row.interest!,
    fees: row.fees!,
    costs: '0.00',
    paid: '0.00',
    dueDate: row.dueDate!,
    stage: 'EARLY',
    status: 'OPEN',
    legalApproval: false,
  };
}

async function findOne<T>(api: CollectflowClient, form: string, pointer: string, value: string) {
  const query = new URLSearchParams({ filter: `${pointer}:eq:${value}`, limit: '1' });
  const page = await api.get<{ items: RecordView<T>[] }>(`/api/forms/${form}/records?${query}`);
  return page.items[0];
}

export async function importDebts(api: CollectflowClient, csv: string) {
  const imported: string[] = [];
  const skipped: string[] = [];
  for (const row of parseCsv(csv)) {
    const debtCase = caseOf(row);
    if (await findOne<DebtCase>(api, 'debt-case', '/caseNumber', debtCase.caseNumber)) {
      skipped.push(debtCase.caseNumber);
      continue;
    }
    const debtor = debtorOf(row);
    if (!(await findOne<Debtor>(api, 'debtor', '/debtorNo', debtor.debtorNo))) {
      await api.post('/api/forms/debtor/records', { data: debtor });
    }
    // The server computes totalDue and balance; the flow starts from the stored case.
    const stored = await api.post<RecordView<DebtCase>>('/api/forms/debt-case/records', { data: debtCase });
    await api.post('/api/instances', {
      processKey: 'soft-collection',
      businessKey: debtCase.caseNumber,
      variables: {
        ...stored.data,
        timeZone: debtor.timeZone,
        preferredLanguage: debtor.preferredLanguage,
        bankruptcyStatus: 'NONE',
        brokenPromises: 0,
        contactAttempts: 0,
        rightPartyContacts: 0,
      },
    });
    imported.push(debtCase.caseNumber);
  }
  return { imported, skipped };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2] ?? new URL('./debts.csv', import.meta.url).pathname;
  try {
    const api = await CollectflowClient.fromEnv();
    const { imported, skipped } = await importDebts(api, await readFile(file, 'utf8'));
    console.log(
      `imported ${imported.length} cases and started soft collection: ${imported.join(', ') || '-'}`,
    );
    if (skipped.length > 0) console.log(`skipped ${skipped.length} already there: ${skipped.join(', ')}`);
  } catch (error) {
    console.error(error instanceof ApiError || error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
