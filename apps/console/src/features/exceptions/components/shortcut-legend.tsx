export interface ShortcutLegendProps {
  /** Whether the role may claim and resolve: a viewer is not offered c, r and e. */
  readonly canAct: boolean;
}

const MOVE = [
  ['j', 'next item'],
  ['k', 'previous item'],
  ['Enter', 'open'],
] as const;
const ACT = [
  ['c', 'claim'],
  ['r', 'retry the step'],
  ['e', 'edit the output'],
] as const;

/** Always visible, so the shortcuts are learnt by using the queue, not by reading a manual. */
export function ShortcutLegend({ canAct }: ShortcutLegendProps) {
  const shortcuts = canAct ? [...MOVE, ...ACT] : MOVE;
  return (
    <section className="exq-legend" aria-label="Keyboard shortcuts">
      <span className="exq-legend__title">Keys</span>
      <ul>
        {shortcuts.map(([key, what]) => (
          <li key={key}>
            <kbd>{key}</kbd> {what}
          </li>
        ))}
      </ul>
    </section>
  );
}
