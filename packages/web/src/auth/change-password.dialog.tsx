import { Alert, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { ApiError, api } from '../api/client';
import { useLocale } from '../i18n/locale.context';
import { useToast } from '../shell/toast';
import { useSession } from './session.context';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/**
 * Password change. With `required` (the user still has an initial password) it cannot be dismissed:
 * the rest of the app waits behind it.
 */
export default function ChangePasswordDialog({
  open,
  required,
  onClose,
}: {
  open: boolean;
  required: boolean;
  onClose(): void;
}) {
  const { t } = useLocale();
  const { reload } = useSession();
  const { message } = useToast();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      await api('/api/auth/password', {
        json: { currentPassword: values.currentPassword, newPassword: values.newPassword },
      });
      message.success(t('passwordChanged'));
      form.resetFields();
      await reload();
      onClose();
    } catch (e) {
      if (e instanceof ApiError && e.status === 403 && e.code === 'auth.invalid_credentials')
        setError(t('currentPasswordWrong'));
      else setError(e instanceof ApiError ? (e.problem.detail ?? e.code) : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('changePassword')}
      okText={t('save')}
      cancelText={t('cancel')}
      onOk={submit}
      confirmLoading={busy}
      onCancel={required ? undefined : onClose}
      closable={!required}
      maskClosable={!required}
      keyboard={!required}
      cancelButtonProps={{ style: required ? { display: 'none' } : {} }}
      destroyOnHidden
    >
      {required && (
        <Alert type="warning" showIcon title={t('mustChangePassword')} style={{ marginBottom: 16 }} />
      )}
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item label={t('currentPassword')} name="currentPassword" rules={[{ required: true }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          label={t('newPassword')}
          name="newPassword"
          extra={t('passwordHint')}
          rules={[{ required: true }, { min: 10, message: t('passwordHint') }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          label={t('confirmPassword')}
          name="confirm"
          dependencies={['newPassword']}
          rules={[
            { required: true },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                !value || getFieldValue('newPassword') === value
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('passwordsDiffer'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <button type="submit" hidden aria-hidden tabIndex={-1} />
      </Form>
    </Modal>
  );
}
