import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gqlError, renderAt, stubGraphQL, type Answer } from '../../../test/graphql-stub.js';
import { PeoplePage } from './people-page.js';

afterEach(() => vi.unstubAllGlobals());

const ADMIN_OPS = ['me', 'principals', 'createPrincipal', 'setPrincipalRole', 'disablePrincipal', 'enablePrincipal'];
const PEOPLE = [
  { id: 'p-ada', name: 'Ada Admin', email: 'ada@x.dev', role: 'admin', disabledAt: null },
  { id: 'p-rita', name: 'Rita Reviewer', email: 'rita@x.dev', role: 'reviewer', disabledAt: null },
  { id: 'p-vic', name: 'Vic Gone', email: 'vic@x.dev', role: 'viewer', disabledAt: '2026-05-01T10:00:00.000Z' },
];

function render(operations: string[], handlers: Record<string, (v: Record<string, unknown>) => Answer> = {}) {
  return stubGraphQL(() => ({ id: 'p-ada', name: 'Ada Admin', email: 'ada@x.dev', role: 'admin', operations }), {
    ConsolePeople: () => ({ data: { principals: PEOPLE } }),
    ...handlers,
  });
}

const rowOf = (name: string) => screen.getByRole('cell', { name }).closest('tr')!;

describe('PeoplePage', () => {
  it('lists name, email, role and status; no role or disable control on your own row', async () => {
    render(ADMIN_OPS);
    renderAt({ path: '/people', routes: { '/people': <PeoplePage /> }, apiKey: 'gh_dev_admin' });
    const table = await screen.findByRole('table', { name: 'People' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell').slice(0, 2).map((c) => c.textContent))).toEqual([
      ['Ada Admin', 'ada@x.dev'],
      ['Rita Reviewer', 'rita@x.dev'],
      ['Vic Gone', 'vic@x.dev'],
    ]);
    expect(within(rowOf('Ada Admin')).queryByRole('combobox')).toBeNull();
    expect(within(rowOf('Ada Admin')).queryByRole('button')).toBeNull();
    expect(within(rowOf('Vic Gone')).getByText(/Disabled/)).toBeTruthy();
    expect(within(rowOf('Vic Gone')).getByRole('button', { name: 'Enable Vic Gone' })).toBeTruthy();
  });

  it('adds a person, showing the API refusal when the email is taken', async () => {
    const user = userEvent.setup();
    const create = vi.fn((v: Record<string, unknown>) =>
      v['email'] === 'rita@x.dev' ? gqlError('A principal with the email rita@x.dev already exists.', 'CONFLICT') : { data: { createPrincipal: { id: 'p-new', email: v['email'] } } },
    );
    render(ADMIN_OPS, { ConsoleCreatePrincipal: create });
    renderAt({ path: '/people', routes: { '/people': <PeoplePage /> }, apiKey: 'gh_dev_admin' });
    const form = await screen.findByRole('form', { name: 'Add a person' });
    await user.type(within(form).getByLabelText('Name'), 'Rita Two');
    await user.type(within(form).getByLabelText('Email'), 'rita@x.dev');
    await user.click(within(form).getByRole('button', { name: 'Add person' }));
    expect((await within(form).findByRole('alert')).textContent).toContain('already exists');

    await user.clear(within(form).getByLabelText('Email'));
    await user.type(within(form).getByLabelText('Email'), 'olive@x.dev');
    await user.selectOptions(within(form).getByLabelText('Role'), 'owner');
    await user.click(within(form).getByRole('button', { name: 'Add person' }));
    expect((await within(form).findByRole('status')).textContent).toBe('Added olive@x.dev.');
    expect(create).toHaveBeenLastCalledWith({ name: 'Rita Two', email: 'olive@x.dev', role: 'owner' });
  });

  it('changes a role, and disables someone only with a reason', async () => {
    const user = userEvent.setup();
    const setRole = vi.fn(() => ({ data: { setPrincipalRole: { id: 'p-rita', role: 'owner' } } }));
    const disable = vi.fn(() => ({ data: { disablePrincipal: { id: 'p-rita', disabledAt: '2026-05-02T00:00:00.000Z' } } }));
    render(ADMIN_OPS, { ConsoleSetPrincipalRole: setRole, ConsoleDisablePrincipal: disable });
    renderAt({ path: '/people', routes: { '/people': <PeoplePage /> }, apiKey: 'gh_dev_admin' });
    await user.selectOptions(await screen.findByRole('combobox', { name: 'Role of Rita Reviewer' }), 'owner');
    await waitFor(() => expect(setRole).toHaveBeenCalledWith({ principal: 'p-rita', role: 'owner' }));

    await user.click(screen.getByRole('button', { name: 'Disable Rita Reviewer' }));
    const dialog = await screen.findByRole('dialog', { name: 'Disable Rita Reviewer?' });
    await user.click(within(dialog).getByRole('button', { name: 'Disable' }));
    expect(within(dialog).getByRole('alert').textContent).toMatch(/Give a reason/);
    expect(disable).not.toHaveBeenCalled();
    await user.type(within(dialog).getByLabelText(/Reason/), 'left the team');
    await user.click(within(dialog).getByRole('button', { name: 'Disable' }));
    await waitFor(() => expect(disable).toHaveBeenCalledWith({ principal: 'p-rita', reason: 'left the team' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('offers no controls without the admin operations', async () => {
    render(['me', 'principals']);
    renderAt({ path: '/people', routes: { '/people': <PeoplePage /> }, apiKey: 'gh_dev_owner' });
    await screen.findByRole('table', { name: 'People' });
    expect(screen.queryByRole('form')).toBeNull();
    expect(screen.queryByRole('combobox')).toBeNull();
    expect(screen.queryByRole('button', { name: /Disable|Enable/ })).toBeNull();
    cleanup();
  });
});
