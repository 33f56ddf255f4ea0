import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, filtersFromSearch, isFiltered, queueVariables, reasonLabel, searchFromFilters } from './queue-filters.js';

describe('queue filters in the URL', () => {
  it('round-trips every filter through the query string', () => {
    const filters = { workflow: 'support-triage', reason: 'tool_error', age: 240, sla: 'due_soon', assignee: 'unassigned', sort: 'due_soonest' } as const;
    const search = searchFromFilters(filters);
    expect(search.toString()).toBe('workflow=support-triage&reason=tool_error&age=240&sla=due_soon&assignee=unassigned&sort=due_soonest');
    expect(filtersFromSearch(search)).toEqual(filters);
  });

  it('leaves defaults out, so the plain queue has a plain address', () => {
    expect(searchFromFilters(DEFAULT_FILTERS).toString()).toBe('');
    expect(filtersFromSearch(new URLSearchParams())).toEqual(DEFAULT_FILTERS);
    expect(isFiltered(DEFAULT_FILTERS)).toBe(false);
    expect(isFiltered({ ...DEFAULT_FILTERS, sort: 'newest' })).toBe(false);
    expect(isFiltered({ ...DEFAULT_FILTERS, assignee: 'me' })).toBe(true);
  });

  it('drops values a hand-edited or stale link may carry instead of sending them to the API', () => {
    expect(filtersFromSearch(new URLSearchParams('reason=bored&age=-5&sla=late&assignee=everyone&sort=random&workflow=%20'))).toEqual(DEFAULT_FILTERS);
    expect(filtersFromSearch(new URLSearchParams('age=1.5')).age).toBeNull();
    expect(filtersFromSearch(new URLSearchParams('age=9999999')).age).toBeNull();
  });
});

describe('queueVariables', () => {
  it('sends only what is set, as the API names it', () => {
    expect(queueVariables(DEFAULT_FILTERS)).toEqual({ first: 100, orderBy: 'oldest', filter: { assignee: 'any' } });
    expect(queueVariables({ workflow: 'w', reason: 'timeout', age: 15, sla: 'no_sla', assignee: 'me', sort: 'newest' })).toEqual({
      first: 100,
      orderBy: 'newest',
      filter: { workflowKey: 'w', reasons: ['timeout'], minAgeMinutes: 15, slaStates: ['no_sla'], assignee: 'me' },
    });
  });
});

it('labels reasons for people', () => {
  expect(reasonLabel('low_confidence')).toBe('Low confidence');
  expect(reasonLabel('override_output')).toBe('Override output');
});
