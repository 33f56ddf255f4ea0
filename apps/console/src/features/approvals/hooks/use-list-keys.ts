import { useEffect } from 'react';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * j / k open the next / previous item of a list (ids in screen order), as in the exception
 * queue; ignored while typing in a field or with a modifier held.
 */
export function useListKeys(ids: readonly string[], selectedId: string | null, open: (id: string) => void): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
      if (event.key !== 'j' && event.key !== 'k') return;
      if (ids.length === 0) return;
      const at = selectedId ? ids.indexOf(selectedId) : -1;
      const next = event.key === 'j' ? Math.min(at + 1, ids.length - 1) : Math.max(at - 1, 0);
      const id = ids[next];
      if (id && id !== selectedId) {
        event.preventDefault();
        open(id);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [ids, selectedId, open]);
}
