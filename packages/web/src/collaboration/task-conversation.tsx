import { Col, Row } from 'antd';
import { AttachmentsPanel, CommentsPanel, useCollab } from './collab-panels';

/**
 * A task's comments (with @mentions) and files, beside each other under its form. Its own
 * chunk: the task page loads it when it scrolls into view, so opening a task costs no more.
 */
export default function TaskConversation({ taskId }: { taskId: string }) {
  // The server lets whoever may work the task read and write these.
  const collab = useCollab('task', taskId);
  return (
    <Row gutter={[16, 0]}>
      <Col xs={24} lg={14}>
        <CommentsPanel collab={collab} />
      </Col>
      <Col xs={24} lg={10}>
        <AttachmentsPanel collab={collab} canUpload />
      </Col>
    </Row>
  );
}
