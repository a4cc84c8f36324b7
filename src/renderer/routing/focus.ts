import type { Route } from './routes';

/**
 * Focus after a view change goes to the new view's heading (a screen reader says where you are, and Tab goes on
 * from there), never to <body>. A route that names one thing (a run, a model) prefers the heading of the detail
 * pane over the list's.
 */
const namesOne = (route: Route) =>
  ('name' in route && route.name !== undefined) || route.kind === 'run' || route.kind === 'sweep';

function viewHeading(route: Route): HTMLElement | null {
  const headings = [...document.querySelectorAll<HTMLElement>('main h1, main h2')].filter(
    (h) => !h.closest('.jobs-panel'),
  );
  if (namesOne(route)) {
    const inDetail = headings.find((h) => !h.closest('nav'));
    if (inDetail) return inDetail;
  }
  return headings[0] ?? null;
}

function focusHeading(heading: HTMLElement): void {
  if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
  heading.focus({ preventScroll: false });
}

let pending = 0;

/** Focuses the view's heading once it has rendered (a detail may still be loading: a few frames' grace). */
export function focusViewHeading(route: Route): void {
  const ticket = ++pending;
  const before = document.activeElement;
  let frames = 0;
  const attempt = () => {
    if (ticket !== pending) return; // A newer view change took over.
    // The new view put focus somewhere itself (a form's first field, autoFocus): that is where the user starts.
    const now = document.activeElement;
    if (now && now !== before && now !== document.body && now.closest('main')) return;
    const heading = viewHeading(route);
    // Wait for the detail's own heading while it loads, up to ~1 s; then take what there is.
    const settled = heading && (!namesOne(route) || !heading.closest('nav') || frames > 60);
    if (heading && settled) return focusHeading(heading);
    if (++frames < 90) requestAnimationFrame(attempt);
    else if (heading) focusHeading(heading);
  };
  requestAnimationFrame(attempt);
}

/** After a change within a view: focus stays where the user is, unless it fell to <body> (its element went away). */
export function keepFocusOffBody(route: Route): void {
  requestAnimationFrame(() => {
    if (document.activeElement && document.activeElement !== document.body) return;
    const heading = viewHeading(route);
    if (heading) focusHeading(heading);
  });
}
