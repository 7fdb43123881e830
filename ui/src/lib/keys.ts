// Keyboard shortcuts: which presses count as one. Each view decides what its keys do.

/** Fields where keys are typed, not shortcuts (a checkbox or a button is not one). */
const TYPING = 'textarea, select, [contenteditable]:not([contenteditable="false"]), input:not([type="checkbox"], [type="radio"], [type="button"], [type="submit"], [type="reset"])';

/**
 * The shortcut a key press means ("a", "arrowdown", "escape": lower-case), or null when it is
 * none: a modifier is held, the key repeats, someone handled it already, or it is typed into a field.
 */
export function shortcut(e: KeyboardEvent): string | null {
  if (e.repeat || e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey) return null;
  if (e.target instanceof Element && e.target.closest(TYPING)) return null;
  return e.key.toLowerCase();
}

/** A window key handler for a view that Esc closes while `keys()` holds (nothing covers it). */
export function escapeCloses(keys: () => boolean, onClose: () => void): (e: KeyboardEvent) => void {
  return (e) => {
    if (!keys() || shortcut(e) !== 'escape') return;
    e.preventDefault();
    onClose();
  };
}
