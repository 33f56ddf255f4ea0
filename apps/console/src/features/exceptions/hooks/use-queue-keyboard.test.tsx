import { fireEvent, render } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { type QueueShortcut, useQueueKeyboard } from './use-queue-keyboard.js';

function Harness({ onShortcut }: { onShortcut: (s: QueueShortcut) => void }) {
  useQueueKeyboard(onShortcut);
  return (
    <div>
      <input aria-label="field" />
      <textarea aria-label="text" />
      <div contentEditable aria-label="editable" />
      <button type="button">button</button>
      <a href="#x">link</a>
    </div>
  );
}

describe('useQueueKeyboard', () => {
  it('maps j, k, Enter, c, r and e to the queue shortcuts', () => {
    const seen: QueueShortcut[] = [];
    render(<Harness onShortcut={(s) => seen.push(s)} />);
    for (const key of ['j', 'k', 'Enter', 'c', 'r', 'e', 'x']) fireEvent.keyDown(document.body, { key });
    expect(seen).toEqual(['next', 'previous', 'open', 'claim', 'retry', 'edit']);
  });

  it('ignores keys typed into fields and keys with modifiers (Ctrl+R still reloads)', () => {
    const onShortcut = vi.fn();
    const { getByLabelText } = render(<Harness onShortcut={onShortcut} />);
    fireEvent.keyDown(getByLabelText('field'), { key: 'j' });
    fireEvent.keyDown(getByLabelText('text'), { key: 'c' });
    const editable = getByLabelText('editable');
    // jsdom does not compute isContentEditable; the browser does.
    Object.defineProperty(editable, 'isContentEditable', { value: true });
    fireEvent.keyDown(editable, { key: 'e' });
    fireEvent.keyDown(document.body, { key: 'r', ctrlKey: true });
    fireEvent.keyDown(document.body, { key: 'r', metaKey: true });
    expect(onShortcut).not.toHaveBeenCalled();
  });

  it('leaves Enter on a focused button or link to that control', () => {
    const onShortcut = vi.fn();
    const { getByText } = render(<Harness onShortcut={onShortcut} />);
    fireEvent.keyDown(getByText('button'), { key: 'Enter' });
    fireEvent.keyDown(getByText('link'), { key: 'Enter' });
    expect(onShortcut).not.toHaveBeenCalled();
    fireEvent.keyDown(getByText('button'), { key: 'j' });
    expect(onShortcut).toHaveBeenCalledWith('next');
  });
});
