// "A double tap never acts on something nobody saw": after what a key or click would act on
// changes (another page, another selected incident), input is ignored for a moment.

/** How long input is ignored after what it acts on changed. */
export const GUARD_MS = 1000;

export type Guard = {
  /** Input is ignored now (what it acts on changed less than `GUARD_MS` ago). */
  readonly settling: boolean;
};

/**
 * Watches `target` (e.g. the shown incident's id) from a component's script: whenever its value
 * changes, and when the component mounts, `settling` is true for `GUARD_MS`.
 */
export function changeGuard(target: () => unknown): Guard {
  let settling = $state(true);
  // A derived only notifies when the value changes (not when the object holding it is replaced).
  const current = $derived(target());
  $effect.pre(() => {
    void current;
    settling = true;
    const timer = setTimeout(() => (settling = false), GUARD_MS);
    return () => clearTimeout(timer);
  });
  return {
    get settling() {
      return settling;
    },
  };
}
