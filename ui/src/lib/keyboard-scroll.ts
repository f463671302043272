/**
 * Tables wider than their place scroll sideways (`scroll={{ x: … }}`); a keyboard user can only
 * scroll a region that takes focus (WCAG 2.1.1, axe's `scrollable-region-focusable`). Rather than
 * patch every table, this watches the document: any antd table scroll container that actually
 * overflows gets `tabindex="0"` (arrow keys then scroll it), and loses it again once it fits.
 * The same pass makes antd's hidden column-measuring row `inert`: it is `aria-hidden` yet repeats
 * the column titles, a selection column's "select all" checkbox included, which would otherwise be
 * a focusable control nobody can see (axe's `aria-hidden-focus`).
 */
const SELECTOR = '.ant-table-content, .ant-table-body';
const MARK = 'kbScroll';

function sync(el: HTMLElement) {
  const overflows = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
  if (overflows && !el.hasAttribute('tabindex')) {
    el.tabIndex = 0;
    el.dataset[MARK] = '1';
  } else if (!overflows && el.dataset[MARK]) {
    el.removeAttribute('tabindex');
    delete el.dataset[MARK];
  }
}

export function keepScrollRegionsFocusable(root: HTMLElement = document.body): () => void {
  let frame = 0;
  const schedule = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      root.querySelectorAll<HTMLElement>(SELECTOR).forEach(sync);
      root.querySelectorAll<HTMLElement>('.ant-table-measure-row:not([inert])').forEach((row) => row.setAttribute('inert', ''));
    });
  };
  const observer = new MutationObserver(schedule);
  observer.observe(root, { childList: true, subtree: true, characterData: true });
  window.addEventListener('resize', schedule);
  schedule();
  return () => {
    observer.disconnect();
    window.removeEventListener('resize', schedule);
    cancelAnimationFrame(frame);
  };
}
