import type { LocalizedText } from '../i18n/localized-text.utils.js';

/** Outcome codes of a contact attempt, as the contact-attempt form lists them. */
export const CONTACT_OUTCOMES = [
  'RPC_PTP',
  'RPC_PAID',
  'RPC_REFUSED',
  'RPC_DISPUTE',
  'RPC_HARDSHIP',
  'RPC_CALLBACK',
  'THIRD_PARTY',
  'WRONG_PARTY',
  'NO_ANSWER',
  'BUSY',
  'VOICEMAIL',
  'WRONG_NUMBER',
  'DISCONNECTED',
  'CEASE_REQUEST',
  'ATTORNEY_REP',
  'BANKRUPT',
  'DECEASED',
] as const;

export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];

export type ContactChannel = 'CALL' | 'SMS' | 'EMAIL' | 'LETTER' | 'VISIT' | 'AI_VOICE';

export const CONTACT_CHANNELS: readonly ContactChannel[] = [
  'CALL',
  'SMS',
  'EMAIL',
  'LETTER',
  'VISIT',
  'AI_VOICE',
];

export interface OutcomeClass {
  label: LocalizedText;
  /** Somebody answered: counts against CN's connected-call cap rather than the unanswered one. */
  connected: boolean;
  /** Right-party contact: a conversation with the debtor (US Reg F's 7-day quiet period). */
  rightParty: boolean;
}

export const OUTCOME_CLASSES: Readonly<Record<ContactOutcome, OutcomeClass>> = {
  RPC_PTP: {
    label: { 'zh-CN': '本人接通-承诺还款', en: 'Right party - promise to pay' },
    connected: true,
    rightParty: true,
  },
  RPC_PAID: {
    label: { 'zh-CN': '本人接通-已还款', en: 'Right party - says paid' },
    connected: true,
    rightParty: true,
  },
  RPC_REFUSED: {
    label: { 'zh-CN': '本人接通-拒绝还款', en: 'Right party - refused' },
    connected: true,
    rightParty: true,
  },
  RPC_DISPUTE: {
    label: { 'zh-CN': '本人接通-提出异议', en: 'Right party - dispute' },
    connected: true,
    rightParty: true,
  },
  RPC_HARDSHIP: {
    label: { 'zh-CN': '本人接通-经济困难', en: 'Right party - hardship' },
    connected: true,
    rightParty: true,
  },
  RPC_CALLBACK: {
    label: { 'zh-CN': '本人接通-约定回电', en: 'Right party - call back' },
    connected: true,
    rightParty: true,
  },
  THIRD_PARTY: {
    label: { 'zh-CN': '第三方接听', en: 'Third party answered' },
    connected: true,
    rightParty: false,
  },
  WRONG_PARTY: { label: { 'zh-CN': '非本人', en: 'Wrong party' }, connected: true, rightParty: false },
  NO_ANSWER: { label: { 'zh-CN': '无人接听', en: 'No answer' }, connected: false, rightParty: false },
  BUSY: { label: { 'zh-CN': '占线', en: 'Busy' }, connected: false, rightParty: false },
  VOICEMAIL: { label: { 'zh-CN': '语音信箱', en: 'Voicemail' }, connected: false, rightParty: false },
  WRONG_NUMBER: { label: { 'zh-CN': '号码错误', en: 'Wrong number' }, connected: true, rightParty: false },
  DISCONNECTED: { label: { 'zh-CN': '空号/停机', en: 'Disconnected' }, connected: false, rightParty: false },
  CEASE_REQUEST: {
    label: { 'zh-CN': '要求停止联系', en: 'Cease request' },
    connected: true,
    rightParty: true,
  },
  ATTORNEY_REP: {
    label: { 'zh-CN': '已委托律师', en: 'Represented by attorney' },
    connected: true,
    rightParty: true,
  },
  BANKRUPT: { label: { 'zh-CN': '已破产', en: 'Bankrupt' }, connected: true, rightParty: true },
  DECEASED: { label: { 'zh-CN': '债务人已故', en: 'Debtor deceased' }, connected: true, rightParty: false },
};

/** Channels that dial a phone: both count towards call caps. */
export function isCallChannel(channel: ContactChannel): boolean {
  return channel === 'CALL' || channel === 'AI_VOICE';
}
