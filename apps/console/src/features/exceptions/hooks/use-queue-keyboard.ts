import { useEffect, useRef } from 'react';

export type QueueShortcut = 'next' | 'previous' | 'open' | 'claim' | 'retry' | 'edit';

const KEYS: Record<string, QueueShortcut> = { j: 'next', k: 'previous', Enter: 'open', c: 'claim', r: 'retry', e: 'edit' };

/** True when a key press belongs to whatever has focus (typing, a select, a button or link). */
function belongsToFocus(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return true;
  // Enter on a focused button or link activates it; the queue must not also act on it.
  return key === 'Enter' && (tag === 'BUTTON' || tag === 'A' || target.getAttribute('role') === 'button');
}

/**
 * The queue's single-key shortcuts (j/k move, Enter opens, c claims, r retries, e edits). They
 * never fire while the reviewer types in a field or holds a modifier (Ctrl+R must still reload).
 * The handler is read through a ref so the listener is attached once.
 */
export function useQueueKeyboard(onShortcut: (shortcut: QueueShortcut) => void, enabled = true): void {
  const handler = useRef(onShortcut);
  useEffect(() => {
    handler.current = onShortcut;
  });
  useEffect(() => {
    if (!enabled) return undefined;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.repeat && event.key === 'Enter') return;
      const shortcut = KEYS[event.key];
      if (!shortcut || belongsToFocus(event.target, event.key)) return;
      event.preventDefault();
      handler.current(shortcut);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}
