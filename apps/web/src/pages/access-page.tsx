import { Button, Chip, Stack, TextField, Typography } from '@mui/material';
import { useState, type FormEvent } from 'react';
import { ROLES, type ApiKey, type Role } from '../api/models';
import { ConfirmButton } from '../components/confirm-dialog';
import { useNotifier } from '../components/notifier';
import { ResourceTable } from '../components/resource-table';
import { SecretOnceDialog } from '../components/secret-once-dialog';
import { SelectField, same } from '../components/select-field';
import { QueryState } from '../components/states';
import {
  useApiKeys,
  useCreateApiKey,
  useCreateUser,
  useRevokeApiKey,
  useUpdateUser,
  useUsers,
} from '../features/access/hooks';
import { useSession } from '../features/session/hooks';
import { ago, formatTime } from '../format';

/** Who may sign in and with which role, and the API keys of automation (admins only). */
export function AccessPage() {
  return (
    <Stack spacing={4}>
      <Typography variant="h4" component="h1">
        Access
      </Typography>
      <PeopleSection />
      <KeysSection />
    </Stack>
  );
}

function PeopleSection() {
  const notify = useNotifier();
  const users = useUsers();
  const me = useSession().data?.user?.id;
  const create = useCreateUser();
  const update = useUpdateUser();
  const [draft, setDraft] = useState({ email: '', displayName: '', role: 'viewer' as Role, password: '' });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { password, ...rest } = draft;
    create.mutate(password ? draft : rest, {
      onSuccess: (u) => {
        notify.success(`Added ${u.email}`);
        setDraft({ email: '', displayName: '', role: 'viewer', password: '' });
      },
      onError: notify.error,
    });
  };
  return (
    <Stack spacing={2} component="section" aria-label="people">
      <Typography variant="h6" component="h2">
        People
      </Typography>
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={1} component="form" onSubmit={submit}>
        <TextField
          size="small"
          label="Email"
          type="email"
          value={draft.email}
          onChange={(e) => setDraft({ ...draft, email: e.target.value })}
          required
        />
        <TextField
          size="small"
          label="Name"
          value={draft.displayName}
          onChange={(e) => setDraft({ ...draft, displayName: e.target.value })}
          required
        />
        <RoleSelect value={draft.role} onChange={(role) => setDraft({ ...draft, role })} label="Role" />
        <TextField
          size="small"
          label="Password"
          type="password"
          helperText="12+ characters; empty for single sign-on only"
          value={draft.password}
          onChange={(e) => setDraft({ ...draft, password: e.target.value })}
        />
        <Button type="submit" variant="contained" disabled={create.isPending} sx={{ alignSelf: 'flex-start' }}>
          Add person
        </Button>
      </Stack>
      <QueryState query={users}>
        {(data) => (
          <ResourceTable
            label="people"
            rows={data.items}
            rowKey={(u) => u.id}
            empty="Nobody yet."
            columns={[
              { header: 'Name', cell: (u) => u.displayName },
              { header: 'Email', cell: (u) => u.email },
              {
                header: 'Role',
                cell: (u) => (
                  <RoleSelect
                    label={`role of ${u.email}`}
                    value={u.role}
                    disabled={u.id === me}
                    onChange={(role) =>
                      update.mutate(
                        { id: u.id, role },
                        { onSuccess: () => notify.success(`${u.email} is now ${role}`), onError: notify.error },
                      )
                    }
                  />
                ),
              },
              { header: 'Sign-in', cell: (u) => (u.oidc ? 'single sign-on' : 'password') },
              { header: 'Last signed in', title: (u) => formatTime(u.lastSignInAt), cell: (u) => ago(u.lastSignInAt) },
              {
                header: '',
                align: 'right',
                cell: (u) =>
                  u.id !== me &&
                  (u.disabledAt ? (
                    <Button size="small" onClick={() => update.mutate({ id: u.id, disabled: false })}>
                      Enable
                    </Button>
                  ) : (
                    <ConfirmButton
                      label="Disable"
                      title={`Disable ${u.email}?`}
                      body="Their sessions end at once; their history stays."
                      confirmLabel="Disable"
                      onConfirm={() => update.mutate({ id: u.id, disabled: true })}
                    />
                  )),
              },
            ]}
          />
        )}
      </QueryState>
    </Stack>
  );
}

function KeysSection() {
  const notify = useNotifier();
  const keys = useApiKeys();
  const create = useCreateApiKey();
  const revoke = useRevokeApiKey();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState('read');
  const [expiresAt, setExpiresAt] = useState('');
  const [created, setCreated] = useState<ApiKey | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = {
      name: name.trim(),
      scopes: scopes.split(/[\s,]+/).filter(Boolean),
      ...(expiresAt ? { expiresAt: new Date(expiresAt).toISOString() } : {}),
    };
    create.mutate(body, {
      onSuccess: (k) => {
        setCreated(k);
        setName('');
      },
      onError: notify.error,
    });
  };
  return (
    <Stack spacing={2} component="section" aria-label="API keys">
      <Typography variant="h6" component="h2">
        API keys
      </Typography>
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={1} component="form" onSubmit={submit}>
        <TextField size="small" label="Key name" value={name} onChange={(e) => setName(e.target.value)} required />
        <TextField
          size="small"
          label="Scopes"
          helperText="read, write, admin or ingest:<business>"
          value={scopes}
          onChange={(e) => setScopes(e.target.value)}
          required
        />
        <TextField
          size="small"
          label="Expires"
          type="date"
          value={expiresAt}
          onChange={(e) => setExpiresAt(e.target.value)}
          slotProps={{ inputLabel: { shrink: true } }}
        />
        <Button type="submit" variant="contained" disabled={create.isPending || !name.trim()}>
          Create key
        </Button>
      </Stack>
      <QueryState query={keys}>
        {(data) => (
          <ResourceTable
            label="API keys"
            rows={data.items}
            rowKey={(k) => k.id}
            empty="No API keys."
            columns={[
              { header: 'Name', cell: (k) => k.name },
              { header: 'Starts', cell: (k) => <code>{k.tokenPrefix}…</code> },
              {
                header: 'Scopes',
                cell: (k) => (
                  <Stack direction="row" spacing={0.5}>
                    {k.scopes.map((s) => (
                      <Chip key={s} size="small" label={s} />
                    ))}
                  </Stack>
                ),
              },
              { header: 'Source of', cell: (k) => k.businessId ?? '—' },
              { header: 'Expires', cell: (k) => (k.expiresAt ? formatTime(k.expiresAt) : 'never') },
              {
                header: 'Last used',
                title: (k) => formatTime(k.lastUsedAt),
                cell: (k) => (k.revokedAt ? `revoked ${ago(k.revokedAt)}` : ago(k.lastUsedAt)),
              },
              { header: 'Created by', cell: (k) => k.createdBy },
              {
                header: '',
                align: 'right',
                cell: (k) =>
                  !k.revokedAt && (
                    <ConfirmButton
                      label="Revoke"
                      title={`Revoke ${k.name}?`}
                      body="It stops working at once on this api, within 10 s on every replica."
                      confirmLabel="Revoke"
                      onConfirm={() => revoke.mutate(k.id, { onError: notify.error })}
                    />
                  ),
              },
            ]}
          />
        )}
      </QueryState>
      <SecretOnceDialog
        title={`API key ${created?.name ?? ''}`}
        label="API key"
        secret={created?.token ?? null}
        onClose={() => setCreated(null)}
      />
    </Stack>
  );
}

function RoleSelect({
  value,
  onChange,
  label,
  disabled,
}: {
  value: Role;
  onChange: (r: Role) => void;
  label: string;
  disabled?: boolean;
}) {
  return (
    <SelectField
      label={label}
      value={value}
      disabled={disabled}
      onChange={(v) => onChange(v as Role)}
      choices={ROLES.map(same)}
      width={130}
    />
  );
}
