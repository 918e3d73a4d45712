// Users: create (with an initial password), disable and enable, reset a password, issue and revoke API
// tokens (a token is shown once, when issued).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Drawer, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, del, get, post, put } from '../shared/api.ts';
import { localTitle } from '../shared/bilingual.ts';
import { dateTime } from '../shared/time.ts';
import type { Role, User } from '../shared/types.ts';
import { useDepartmentNames, useProcesses } from '../staff/queries.ts';

const ROLES: Role[] = ['clerk', 'department', 'manager', 'admin'];

interface TokenRow {
  id: string;
  label: string;
  createdAt?: string;
  revokedAt?: string | null;
  lastUsedAt?: string | null;
}

function problemText(e: unknown, fallback: string): string {
  if (!(e instanceof ApiError)) return fallback;
  const fields = (e.problem.errors ?? []).map((x) => `${x.field ?? x.path}: ${x.message}`);
  return [e.problem.detail || e.problem.title, ...fields].join('；');
}

export default function Users() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const queryClient = useQueryClient();
  const departmentName = useDepartmentNames();
  const { data: processes } = useProcesses();
  const departments = [
    ...new Map((processes ?? []).flatMap((p) => p.departments.map((d) => [d.code, d]))).values(),
  ];
  const users = useQuery({ queryKey: ['users'], queryFn: () => get<User[]>('/api/users') });
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const [tokensOf, setTokensOf] = useState<User | null>(null);
  const [message, setMessage] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  const [createForm] = Form.useForm();
  const [resetForm] = Form.useForm();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['users'] });

  const act = async (what: () => Promise<unknown>, ok: string) => {
    try {
      await what();
      setMessage({ type: 'success', text: ok });
      await refresh();
    } catch (e) {
      setMessage({ type: 'error', text: problemText(e, t('error.network')) });
    }
  };

  return (
    <div>
      <Typography.Title level={2}>{t('users.title')}</Typography.Title>
      <Button type="primary" onClick={() => setCreating(true)}>
        {t('users.create')}
      </Button>
      {message && (
        <Alert
          className="block-gap"
          type={message.type}
          showIcon
          title={message.text}
          role="status"
          closable={{ onClose: () => setMessage(null) }}
        />
      )}
      <Table
        className="block-gap"
        rowKey="id"
        loading={users.isLoading}
        dataSource={users.data ?? []}
        pagination={{ pageSize: 100 }}
        columns={[
          { title: t('users.username'), dataIndex: 'username' },
          {
            title: t('users.displayName'),
            dataIndex: 'displayName',
            render: (v: string) => localTitle(v, lang),
          },
          { title: t('users.role'), dataIndex: 'role', render: (r: string) => t(`role.${r}`) },
          {
            title: t('case.department'),
            dataIndex: 'department',
            render: (d: string | null) => (d ? localTitle(departmentName(d), lang) : '—'),
          },
          {
            title: t('users.state'),
            dataIndex: 'disabled',
            render: (d: boolean | undefined) =>
              d ? (
                <Tag className="tag-bad">{t('users.disabled')}</Tag>
              ) : (
                <Tag className="tag-ok">{t('users.active')}</Tag>
              ),
          },
          {
            title: t('users.actions'),
            render: (_: unknown, u: User) => (
              <Space wrap>
                {u.disabled ? (
                  <Button
                    size="small"
                    onClick={() =>
                      act(() => post(`/api/users/${u.id}/enable`), t('users.enabled', { name: u.username }))
                    }
                  >
                    {t('users.enable')}
                  </Button>
                ) : (
                  <Button
                    size="small"
                    danger
                    onClick={() =>
                      act(
                        () => post(`/api/users/${u.id}/disable`),
                        t('users.disabledOk', { name: u.username }),
                      )
                    }
                  >
                    {t('users.disable')}
                  </Button>
                )}
                <Button size="small" onClick={() => setResetting(u)}>
                  {t('users.resetPassword')}
                </Button>
                <Button size="small" onClick={() => setTokensOf(u)}>
                  {t('users.tokens')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={creating}
        title={t('users.create')}
        okText={t('users.createOk')}
        cancelText={t('common.cancel')}
        onCancel={() => setCreating(false)}
        onOk={() => createForm.submit()}
        destroyOnHidden
      >
        <Form
          form={createForm}
          name="createUser"
          layout="vertical"
          onFinish={async (v: {
            username: string;
            displayName: string;
            role: Role;
            department?: string;
            password?: string;
          }) => {
            await act(
              () => post('/api/users', { ...v, ...(v.password ? {} : { password: undefined }) }),
              t('users.created', { name: v.username }),
            );
            setCreating(false);
            createForm.resetFields();
          }}
        >
          <Form.Item
            label={t('users.username')}
            name="username"
            rules={[
              { required: true, pattern: /^[a-z0-9][a-z0-9._-]{1,63}$/, message: t('users.usernameRule') },
            ]}
          >
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item
            label={t('users.displayName')}
            name="displayName"
            rules={[{ required: true, message: t('defect.required') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item
            label={t('users.role')}
            name="role"
            rules={[{ required: true, message: t('defect.required') }]}
          >
            <Select options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
          </Form.Item>
          <Form.Item noStyle shouldUpdate={(a, b) => a.role !== b.role}>
            {({ getFieldValue }) =>
              getFieldValue('role') === 'department' ? (
                <Form.Item
                  label={t('case.department')}
                  name="department"
                  rules={[{ required: true, message: t('defect.required') }]}
                >
                  <Select
                    options={departments.map((d) => ({ value: d.code, label: localTitle(d.name, lang) }))}
                  />
                </Form.Item>
              ) : null
            }
          </Form.Item>
          <Form.Item
            label={t('users.initialPassword')}
            name="password"
            rules={[{ min: 8, message: t('users.passwordRule') }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={resetting !== null}
        title={t('users.resetFor', { name: resetting?.username })}
        okText={t('users.resetOk')}
        cancelText={t('common.cancel')}
        onCancel={() => setResetting(null)}
        onOk={() => resetForm.submit()}
        destroyOnHidden
      >
        <Form
          form={resetForm}
          name="resetPassword"
          layout="vertical"
          onFinish={async (v: { password: string }) => {
            const u = resetting!;
            await act(
              () => put(`/api/users/${u.id}/password`, { password: v.password }),
              t('users.reset', { name: u.username }),
            );
            setResetting(null);
            resetForm.resetFields();
          }}
        >
          <Form.Item
            label={t('users.newPassword')}
            name="password"
            rules={[{ required: true, min: 8, message: t('users.passwordRule') }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
      <Drawer
        open={tokensOf !== null}
        onClose={() => setTokensOf(null)}
        title={t('users.tokensOf', { name: tokensOf?.username })}
        size="large"
      >
        {tokensOf && <Tokens user={tokensOf} />}
      </Drawer>
    </div>
  );
}

function Tokens({ user }: { user: User }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const key = ['tokens', user.id];
  const tokens = useQuery({ queryKey: key, queryFn: () => get<TokenRow[]>(`/api/users/${user.id}/tokens`) });
  const [label, setLabel] = useState('');
  const [issued, setIssued] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const issue = async () => {
    try {
      const answer = await post<{ id: string; token: string }>(`/api/users/${user.id}/tokens`, { label });
      setIssued(answer.token);
      setLabel('');
      await queryClient.invalidateQueries({ queryKey: key });
    } catch (e) {
      setFailure(problemText(e, t('error.network')));
    }
  };
  const revoke = async (id: string) => {
    try {
      await del(`/api/tokens/${id}`);
      await queryClient.invalidateQueries({ queryKey: key });
    } catch (e) {
      setFailure(problemText(e, t('error.network')));
    }
  };
  return (
    <div>
      {issued && (
        <Alert
          type="success"
          showIcon
          className="block-gap"
          title={t('tokens.issued')}
          description={<code className="token">{issued}</code>}
        />
      )}
      {failure && <Alert type="error" showIcon className="block-gap" title={failure} />}
      <Space.Compact className="block-gap">
        <Input
          aria-label={t('tokens.label')}
          placeholder={t('tokens.label')}
          value={label}
          onChange={(e) => setLabel(e.target.value)}
        />
        <Button type="primary" disabled={!label.trim()} onClick={() => void issue()}>
          {t('tokens.issue')}
        </Button>
      </Space.Compact>
      <Table
        rowKey="id"
        size="small"
        loading={tokens.isLoading}
        dataSource={tokens.data ?? []}
        pagination={false}
        columns={[
          { title: t('tokens.label'), dataIndex: 'label' },
          {
            title: t('tokens.createdAt'),
            dataIndex: 'createdAt',
            render: (v?: string) => dateTime(v) || '—',
          },
          {
            title: t('tokens.revokedAt'),
            dataIndex: 'revokedAt',
            render: (v?: string | null) => dateTime(v) || '—',
          },
          {
            title: t('users.actions'),
            render: (_: unknown, r: TokenRow) =>
              r.revokedAt ? null : (
                <Button size="small" danger onClick={() => void revoke(r.id)}>
                  {t('tokens.revoke')}
                </Button>
              ),
          },
        ]}
      />
    </div>
  );
}
