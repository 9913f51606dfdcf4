import {
  DeleteOutlined,
  DownloadOutlined,
  EditOutlined,
  EyeOutlined,
  HistoryOutlined,
  InboxOutlined,
  PaperClipOutlined,
} from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Empty,
  Mentions,
  Modal,
  Popconfirm,
  Space,
  Spin,
  Table,
  Timeline,
  Upload,
} from 'antd';
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { useMe } from '../auth/session.context';
import { pickText } from '../forms/localize-form';
import { useLocale } from '../i18n/locale.context';

import { useToast } from '../shell/toast';
import { useUserDirectory, useUserNames } from '../shell/user-names';
import {
  type Attachment,
  type CollabSubject,
  type Comment,
  type CommentHistory,
  type CommentSaved,
  collabApi,
  formatBytes,
  type MentionCandidates,
  type MentionInput,
  type TimelineItem,
} from './collab.api';
import './collab.css';

/**
 * The conversation and files of a case (a record) or a task, and for a record its server
 * timeline: loaded together and reloaded together. The panels below work on either.
 */
export function useCollab(
  type: CollabSubject['type'],
  /** null while there is nothing to load yet (a record being created). */
  id: string | null,
  options: { timeline?: boolean } = {},
) {
  const subject = useMemo<CollabSubject>(() => ({ type, id: id ?? '' }), [type, id]);
  const withTimeline = type === 'record' && (options.timeline ?? true);
  const [comments, setComments] = useState<Comment[] | null>(null);
  const [attachments, setAttachments] = useState<Attachment[] | null>(null);
  const [timeline, setTimeline] = useState<TimelineItem[] | null>(null);
  const [timelineCursor, setTimelineCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    if (subject.id === '') return;
    try {
      const [c, a, tl] = await Promise.all([
        collabApi.comments(subject),
        collabApi.attachments(subject),
        withTimeline ? collabApi.timeline(subject.id) : null,
      ]);
      setComments(c.items);
      setAttachments(a.items);
      setTimeline(tl?.items ?? []);
      setTimelineCursor(tl?.nextCursor ?? null);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
      setComments((prev) => prev ?? []);
      setAttachments((prev) => prev ?? []);
      setTimeline((prev) => prev ?? []);
    }
  }, [subject, withTimeline]);

  const loadMoreTimeline = useCallback(async () => {
    if (!timelineCursor || subject.type !== 'record') return;
    const page = await collabApi.timeline(subject.id, timelineCursor);
    setTimeline((prev) => [...(prev ?? []), ...page.items]);
    setTimelineCursor(page.nextCursor);
  }, [subject, timelineCursor]);

  useEffect(() => {
    setComments(null);
    setAttachments(null);
    setTimeline(null);
    void reload();
  }, [reload]);

  const directory = useUserDirectory();
  /**
   * Names for user ids (comment authors, timeline actors, uploaders): the user directory, and the
   * names the server gave with comments and the timeline (which also cover deactivated users).
   */
  const names = useMemo(() => {
    const map = new Map<string, string>(directory);
    for (const c of comments ?? []) if (c.author.displayName) map.set(c.author.id, c.author.displayName);
    for (const i of timeline ?? []) if (i.actor?.displayName) map.set(i.actor.id, i.actor.displayName);
    return map;
  }, [comments, timeline, directory]);

  return {
    subject,
    comments,
    attachments,
    timeline,
    hasMoreTimeline: timelineCursor !== null,
    loadMoreTimeline,
    error,
    reload,
    names,
  };
}

export type Collab = ReturnType<typeof useCollab>;

/** A comment's text with its @mentions highlighted. */
function CommentBody({ text }: { text: string }) {
  const parts = text.split(/((?<![\w.@])@(?:role:)?[\w.-]+)/g);
  return (
    <div className="cf-comment-body">
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the split parts have no identity of their own
          <span key={i} className="cf-mention">
            {part}
          </span>
        ) : (
          part
        ),
      )}
    </div>
  );
}

/**
 * A text box with an @ picker: users who can see the case (or task) and roles, from the server. Remembers
 * what was picked so the comment carries structured mentions (still present in the text).
 */
function MentionBox({
  subject,
  value,
  onChange,
  picked,
  autoFocus,
  testId,
}: {
  subject: CollabSubject;
  value: string;
  onChange: (text: string) => void;
  picked: React.RefObject<Map<string, MentionInput>>;
  autoFocus?: boolean;
  testId: string;
}) {
  const { t, locale } = useLocale();
  const [candidates, setCandidates] = useState<MentionCandidates | null>(null);
  const [loading, setLoading] = useState(false);
  const ticket = useRef(0);
  const search = async (q: string) => {
    const mine = ++ticket.current;
    setLoading(true);
    try {
      const found = await collabApi.mentionCandidates(subject, q);
      if (mine === ticket.current) setCandidates(found);
    } catch {
      if (mine === ticket.current) setCandidates({ users: [], roles: [] });
    } finally {
      if (mine === ticket.current) setLoading(false);
    }
  };
  const options = [
    ...(candidates?.users ?? []).map((u) => ({
      key: `user:${u.id}`,
      value: u.username,
      label: (
        <span data-testid="mention-option">
          {u.displayName} <span className="cf-muted">@{u.username}</span>
        </span>
      ),
    })),
    ...(candidates?.roles ?? []).map((r) => ({
      key: `role:${r.key}`,
      value: `role:${r.key}`,
      label: (
        <span data-testid="mention-option">
          {pickText(r.name, locale, r.key)} <span className="cf-muted">({t('commentsRole')})</span>
        </span>
      ),
    })),
  ];
  return (
    <Mentions
      data-testid={testId}
      value={value}
      onChange={onChange}
      prefix="@"
      loading={loading}
      autoFocus={autoFocus}
      autoSize={{ minRows: 2, maxRows: 8 }}
      placeholder={t('commentsPlaceholder')}
      aria-label={t('commentsPlaceholder')}
      onSearch={(q) => void search(q)}
      onSelect={(option) => {
        // antd makes the option's key unique; the value is the token typed after the @.
        const token = String(option.value ?? '');
        const user = candidates?.users.find((u) => u.username === token);
        const role = candidates?.roles.find((r) => `role:${r.key}` === token);
        if (user) picked.current.set(token, { kind: 'user', id: user.id });
        else if (role) picked.current.set(token, { kind: 'role', key: role.key });
      }}
      options={options}
      maxLength={10_000}
    />
  );
}

/** The picked mentions whose @token is still in the text. */
function mentionsIn(text: string, picked: Map<string, MentionInput>): MentionInput[] {
  return [...picked.entries()].filter(([token]) => text.includes(`@${token}`)).map(([, m]) => m);
}

function useReportMentions(subject: CollabSubject) {
  const { t } = useLocale();
  const { message } = useToast();
  return (saved: CommentSaved) => {
    if (saved.mentions.cannotSee.length > 0) {
      const names = saved.mentions.cannotSee.map((u) => u.displayName).join(', ');
      message.warning(t(subject.type === 'task' ? 'commentsCannotSeeTask' : 'commentsCannotSee', { names }));
    }
    message.success(
      saved.mentions.notified.length > 0
        ? `${t('commentsSaved')} · ${t('commentsNotified', { count: saved.mentions.notified.length })}`
        : t('commentsSaved'),
    );
  };
}

function CommentItem({
  comment,
  subject,
  onChanged,
}: {
  comment: Comment;
  subject: CollabSubject;
  onChanged: () => void;
}) {
  const { t, formatDateTime } = useLocale();
  const me = useMe();
  const userName = useUserNames();
  const { message } = useToast();
  const report = useReportMentions(subject);
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(comment.body ?? '');
  const [history, setHistory] = useState<CommentHistory | null | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const picked = useRef(new Map<string, MentionInput>());
  const mine = comment.author.id === me.userId;

  const save = async () => {
    if (text.trim() === '') {
      message.error(t('commentsEmpty'));
      return;
    }
    setBusy(true);
    try {
      report(await collabApi.editComment(comment.id, text, mentionsIn(text, picked.current)));
      setEditing(false);
      onChanged();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    try {
      await collabApi.deleteComment(comment.id);
      message.success(t('commentsDeleted'));
      onChanged();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  const showHistory = async () => {
    setHistory(null);
    try {
      setHistory(await collabApi.commentHistory(comment.id));
    } catch (e) {
      message.error((e as Error).message);
      setHistory(undefined);
    }
  };

  return (
    <div className="cf-comment" data-testid="comment" data-comment-id={comment.id}>
      <div className="cf-comment-head">
        <strong>{comment.author.displayName ?? userName(comment.author.id)}</strong>
        <span className="cf-muted">{formatDateTime(comment.createdAt)}</span>
        {comment.editedAt && (
          <Button size="small" type="link" icon={<HistoryOutlined />} onClick={showHistory}>
            {t('commentsEdited')}
          </Button>
        )}
        {mine && !editing && (
          <Space size={0} style={{ marginInlineStart: 'auto' }}>
            <Button
              size="small"
              type="text"
              icon={<EditOutlined />}
              onClick={() => {
                setText(comment.body ?? '');
                setEditing(true);
              }}
            >
              {t('commentsEdit')}
            </Button>
            <Popconfirm title={t('commentsDeleteConfirm')} onConfirm={remove}>
              <Button size="small" type="text" danger icon={<DeleteOutlined />}>
                {t('commentsDelete')}
              </Button>
            </Popconfirm>
          </Space>
        )}
      </div>
      {editing ? (
        <div style={{ marginTop: 4 }}>
          <MentionBox
            subject={subject}
            value={text}
            onChange={setText}
            picked={picked}
            autoFocus
            testId="comment-edit-input"
          />
          <Space style={{ marginTop: 8 }}>
            <Button type="primary" size="small" loading={busy} onClick={save}>
              {t('save')}
            </Button>
            <Button size="small" onClick={() => setEditing(false)}>
              {t('cancel')}
            </Button>
          </Space>
        </div>
      ) : (
        <CommentBody text={comment.body ?? ''} />
      )}
      <Modal
        open={history !== undefined}
        title={t('commentsHistory')}
        footer={null}
        onCancel={() => setHistory(undefined)}
      >
        {history === null ? (
          <Spin />
        ) : history ? (
          <Timeline
            items={[
              ...history.revisions.map((r) => ({
                key: `r${r.revision}`,
                color: 'gray',
                content: (
                  <div>
                    <div className="cf-muted">
                      {t('commentsRevision', { n: r.revision })} · {formatDateTime(r.writtenAt)}
                    </div>
                    <CommentBody text={r.body} />
                  </div>
                ),
              })),
              {
                key: 'current',
                color: 'blue',
                content: (
                  <div>
                    <div className="cf-muted">
                      {t('commentsCurrent')} ·{' '}
                      {formatDateTime(history.current.editedAt ?? history.current.createdAt)}
                    </div>
                    <CommentBody text={history.current.body ?? ''} />
                  </div>
                ),
              },
            ]}
          />
        ) : null}
      </Modal>
    </div>
  );
}

/** Comments on a case or a task: list, write with @mentions, edit and delete one's own. */
export function CommentsPanel({ collab }: { collab: Collab }) {
  const { t } = useLocale();
  const { message } = useToast();
  const { subject } = collab;
  const report = useReportMentions(subject);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const picked = useRef(new Map<string, MentionInput>());

  const post = async () => {
    if (text.trim() === '') {
      message.error(t('commentsEmpty'));
      return;
    }
    setBusy(true);
    try {
      report(await collabApi.addComment(subject, text, mentionsIn(text, picked.current)));
      setText('');
      picked.current.clear();
      await collab.reload();
    } catch (e) {
      message.error(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={t('commentsTitle')} style={{ marginBottom: 16 }} data-testid="comments">
      {collab.comments === null ? (
        <Spin size="small" />
      ) : collab.comments.length === 0 ? (
        <div className="cf-muted" style={{ marginBottom: 12 }}>
          {t('commentsNone')}
        </div>
      ) : (
        <div className="cf-comment-list">
          {collab.comments.map((c) => (
            <CommentItem
              key={`${c.id}:${c.revision}`}
              comment={c}
              subject={subject}
              onChanged={collab.reload}
            />
          ))}
        </div>
      )}
      <MentionBox subject={subject} value={text} onChange={setText} picked={picked} testId="comment-input" />
      <div style={{ textAlign: 'end', marginTop: 8 }}>
        <Button type="primary" loading={busy} onClick={post} data-testid="comment-post">
          {t('commentsSend')}
        </Button>
      </div>
    </Card>
  );
}

/** Images and PDFs shown in the page (same-origin frame: the CSP's default-src 'self' allows it). */
function Preview({ attachment, onClose }: { attachment: Attachment | null; onClose: () => void }) {
  const src = attachment ? `${attachment.downloadUrl}?inline=1` : '';
  return (
    <Modal
      open={attachment !== null}
      title={attachment?.fileName}
      footer={null}
      onCancel={onClose}
      width="min(960px, 95vw)"
      destroyOnHidden
    >
      {attachment?.contentType.startsWith('image/') ? (
        <img
          className="cf-attach-preview-img"
          src={src}
          alt={attachment.fileName}
          data-testid="attachment-preview"
        />
      ) : attachment ? (
        <iframe
          className="cf-attach-preview"
          src={src}
          title={attachment.fileName}
          data-testid="attachment-preview"
        />
      ) : null}
    </Modal>
  );
}

/** Files on a case or a task: drop or choose to upload, list, preview, download, delete one's own. */
export function AttachmentsPanel({ collab, canUpload }: { collab: Collab; canUpload: boolean }) {
  const { t, locale, formatDateTime } = useLocale();
  const me = useMe();
  const { message } = useToast();
  const [refused, setRefused] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const [preview, setPreview] = useState<Attachment | null>(null);

  const upload = async (file: File) => {
    setUploading(true);
    setRefused(null);
    try {
      await collabApi.upload(collab.subject, file);
      message.success(t('attachUploaded', { name: file.name }));
      await collab.reload();
    } catch (e) {
      const reason =
        e instanceof ApiError
          ? [e.problem.detail ?? e.code, e.problem.hint].filter(Boolean).join(' — ')
          : String(e);
      setRefused(t('attachRefused', { name: file.name, reason }));
    } finally {
      setUploading(false);
    }
  };
  const remove = async (a: Attachment) => {
    try {
      await collabApi.deleteAttachment(a.id);
      await collab.reload();
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  return (
    <Card
      size="small"
      title={t('attachTitle')}
      style={{ marginBottom: 16 }}
      className="cf-attachments"
      data-testid="attachments"
    >
      {canUpload && (
        <Upload.Dragger
          multiple={false}
          showUploadList={false}
          disabled={uploading}
          beforeUpload={(file) => {
            void upload(file);
            return false;
          }}
          data-testid="attachment-drop"
        >
          <p className="ant-upload-drag-icon">{uploading ? <Spin /> : <InboxOutlined />}</p>
          <p className="ant-upload-text">{t('attachDrop')}</p>
          <p className="ant-upload-hint">{t('attachHint')}</p>
        </Upload.Dragger>
      )}
      {refused && (
        <Alert
          type="error"
          showIcon
          closable
          onClose={() => setRefused(null)}
          title={refused}
          style={{ marginTop: 8 }}
          data-testid="attachment-error"
        />
      )}
      {collab.attachments === null ? (
        <Spin size="small" />
      ) : (
        <Table<Attachment>
          size="small"
          rowKey="id"
          style={{ marginTop: 8 }}
          dataSource={collab.attachments}
          pagination={{ pageSize: 8, hideOnSinglePage: true }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('attachNone')} /> }}
          data-testid="attachment-list"
          columns={[
            {
              title: t('attachName'),
              key: 'name',
              render: (_, a) => (
                <div>
                  <a href={a.downloadUrl} className="cf-attach-name" download={a.fileName}>
                    <PaperClipOutlined /> {a.fileName}
                  </a>
                  <div className="cf-muted">
                    {formatBytes(locale, a.sizeBytes)} ·{' '}
                    {collab.names.get(a.uploadedBy) ?? (a.uploadedBy === me.userId ? me.displayName : '—')} ·{' '}
                    {formatDateTime(a.createdAt)}
                  </div>
                </div>
              ),
            },
            {
              title: '',
              key: 'actions',
              width: 96,
              render: (_, a) => (
                <Space size={0}>
                  {a.previewable && (
                    <Button
                      size="small"
                      type="text"
                      icon={<EyeOutlined />}
                      aria-label={`${t('attachPreview')} ${a.fileName}`}
                      title={t('attachPreview')}
                      onClick={() => setPreview(a)}
                    />
                  )}
                  <Button
                    size="small"
                    type="text"
                    icon={<DownloadOutlined />}
                    aria-label={`${t('attachDownload')} ${a.fileName}`}
                    title={t('attachDownload')}
                    href={a.downloadUrl}
                  />
                  {a.uploadedBy === me.userId && (
                    <Popconfirm title={t('attachDeleteConfirm')} onConfirm={() => remove(a)}>
                      <Button
                        size="small"
                        type="text"
                        danger
                        icon={<DeleteOutlined />}
                        aria-label={`${t('attachDelete')} ${a.fileName}`}
                        title={t('attachDelete')}
                      />
                    </Popconfirm>
                  )}
                </Space>
              ),
            },
          ]}
        />
      )}
      <Preview attachment={preview} onClose={() => setPreview(null)} />
    </Card>
  );
}

export interface LocalEvent {
  at: string;
  text: string;
  color?: string;
}

/**
 * The case timeline: the server's (comments, record changes, process steps, files) merged with
 * events the page knows of (the case's related records), newest first.
 */
export function CaseTimeline({
  collab,
  local,
  fieldTitle,
}: {
  collab: Collab;
  local: LocalEvent[];
  fieldTitle: (name: string) => string;
}) {
  const { t, has, formatDateTime } = useLocale();
  const [more, setMore] = useState(false);
  const who = (item: TimelineItem) =>
    item.actor?.displayName ??
    collab.names.get(item.actor?.id ?? '') ??
    item.actor?.id ??
    t('timelineSomeone');
  const events: { key: string; at: string; color: string; kind: string; content: ReactNode }[] = [];
  for (const item of collab.timeline ?? []) {
    if (item.kind === 'comment' && item.comment) {
      const body = item.comment.body;
      events.push({
        key: item.id,
        at: item.at,
        color: 'purple',
        kind: 'comment',
        // A deleted comment keeps its place in the story, without its text.
        content:
          body === null ? (
            <span className="cf-muted">{t('timelineCommentDeleted', { who: who(item) })}</span>
          ) : (
            <span>
              {t('timelineComment', { who: who(item) })}
              {t('collabColon')}
              <q>{body.length > 140 ? `${body.slice(0, 140)}…` : body}</q>
            </span>
          ),
      });
    } else if (item.kind === 'attachment' && item.attachment) {
      const a = item.attachment;
      events.push({
        key: item.id,
        at: item.at,
        color: 'cyan',
        kind: 'attachment',
        content: (
          <span>
            <PaperClipOutlined /> {t('timelineAttachment', { who: who(item), name: '' })}
            <a href={a.downloadUrl} download={a.fileName}>
              {a.fileName}
            </a>
          </span>
        ),
      });
    } else if (item.kind === 'record' && item.change) {
      const fields = (item.change.changedFields ?? []).map(fieldTitle).join(', ');
      events.push({
        key: item.id,
        at: item.at,
        color: 'gray',
        kind: 'record',
        content:
          item.change.action === 'record.created'
            ? t('timelineCreated', { who: who(item) })
            : t('timelineChange', { who: who(item), fields: fields || '—' }),
      });
    } else if (item.kind === 'process' && item.process) {
      const p = item.process;
      const key = `ev.${p.event}`;
      const event = has(key) ? t(key) : p.event;
      events.push({
        key: item.id,
        at: item.at,
        color: 'blue',
        kind: 'process',
        content: `${t('timelineProcess', { process: p.processKey, event })}${p.name ? ` · ${p.name}` : ''}`,
      });
    }
  }
  local.forEach((e, i) => {
    events.push({ key: `local-${i}`, at: e.at, color: e.color ?? 'green', kind: 'related', content: e.text });
  });
  events.sort((a, b) => b.at.localeCompare(a.at));

  const loadMore = async () => {
    setMore(true);
    try {
      await collab.loadMoreTimeline();
    } finally {
      setMore(false);
    }
  };

  return (
    <Card size="small" title={t('timeline')} data-testid="timeline">
      {collab.error && <Alert type="warning" showIcon title={collab.error} style={{ marginBottom: 8 }} />}
      <div className="cf-timeline">
        {collab.timeline === null ? (
          <Spin size="small" />
        ) : events.length === 0 ? (
          <Empty description={t('nothingYet')} />
        ) : (
          <Timeline
            items={events.map((e) => ({
              key: e.key,
              color: e.color,
              content: (
                <span data-testid="timeline-item" data-kind={e.kind}>
                  <span style={{ color: '#8c8c8c', marginInlineEnd: 8 }}>{formatDateTime(e.at)}</span>
                  {e.content}
                </span>
              ),
            }))}
          />
        )}
      </div>
      {collab.hasMoreTimeline && (
        <Button size="small" loading={more} onClick={loadMore}>
          {t('timelineMore')}
        </Button>
      )}
    </Card>
  );
}
