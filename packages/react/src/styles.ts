/**
 * The package's stylesheet: design tokens as CSS custom properties scoped to `[data-wallet-auth]`
 * (colour pairs for light and dark, one type scale, one spacing scale, radii), and the parts the
 * components use. The host app needs no CSS framework. The theme follows the system
 * (`prefers-color-scheme`) unless `data-wa-theme="light"|"dark"` is set on `<html>`; override any
 * `--wa-*` variable on a parent element. Every text colour pair meets WCAG AA (4.5:1) on its surface.
 */
const light = `--wa-bg: #ffffff; --wa-surface: #f5f6f8; --wa-surface-2: #eceef2; --wa-fg: #14171c; --wa-muted: #4a5260; --wa-border: #cfd4dc;
  --wa-accent: #1f5fd1; --wa-on-accent: #ffffff; --wa-accent-soft: #e6eefc; --wa-ok: #17683a; --wa-ok-soft: #e3f3ea; --wa-bad: #b3141a; --wa-bad-soft: #fbe7e7;
  --wa-warn: #7f5200; --wa-warn-soft: #fdf1d8; --wa-focus: #1f5fd1; --wa-shadow: 0 1px 2px rgb(16 24 40 / .06), 0 4px 12px rgb(16 24 40 / .06); color-scheme: light;`;
const dark = `--wa-bg: #0f1115; --wa-surface: #171a21; --wa-surface-2: #1f232c; --wa-fg: #e8eaee; --wa-muted: #a9b1be; --wa-border: #343a46;
  --wa-accent: #7fabff; --wa-on-accent: #0b0d12; --wa-accent-soft: #1b2a47; --wa-ok: #63d492; --wa-ok-soft: #15301f; --wa-bad: #ff9090; --wa-bad-soft: #3a1a1c;
  --wa-warn: #f2c45a; --wa-warn-soft: #33290f; --wa-focus: #9cc0ff; --wa-shadow: 0 1px 2px rgb(0 0 0 / .4); color-scheme: dark;`;

export const walletAuthStyles = `
[data-wallet-auth] { ${light}
  --wa-text-xs: .75rem; --wa-text-sm: .875rem; --wa-text-md: 1rem; --wa-text-lg: 1.25rem; --wa-text-xl: 1.6rem;
  --wa-space-1: .25rem; --wa-space-2: .5rem; --wa-space-3: .75rem; --wa-space-4: 1rem; --wa-space-6: 1.5rem; --wa-radius: 10px; --wa-radius-sm: 6px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: var(--wa-text-md); color: var(--wa-fg); background: var(--wa-bg); line-height: 1.5; overflow-wrap: anywhere; }
@media (prefers-color-scheme: dark) { :root:not([data-wa-theme="light"]) [data-wallet-auth] { ${dark} } }
:root[data-wa-theme="dark"] [data-wallet-auth] { ${dark} }
[data-wallet-auth] *, [data-wallet-auth] *::before, [data-wallet-auth] *::after { box-sizing: border-box; min-width: 0; }
[data-wallet-auth] h1 { font-size: var(--wa-text-xl); line-height: 1.2; margin: 0 0 var(--wa-space-3); }
[data-wallet-auth] h2 { font-size: var(--wa-text-lg); line-height: 1.3; margin: 0 0 var(--wa-space-3); }
[data-wallet-auth] h3 { font-size: var(--wa-text-md); margin: 0; }
[data-wallet-auth] p { margin: var(--wa-space-2) 0; }
[data-wallet-auth] a { color: var(--wa-accent); }
[data-wallet-auth] code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
[data-wallet-auth] .wa-section { background: var(--wa-bg); border: 1px solid var(--wa-border); border-radius: var(--wa-radius); padding: var(--wa-space-4); margin: 0 0 var(--wa-space-4); box-shadow: var(--wa-shadow); }
[data-wallet-auth] .wa-form { display: grid; grid-template-columns: minmax(8rem, max-content) minmax(0, 1fr); gap: var(--wa-space-2) var(--wa-space-3); align-items: start; max-width: 44rem; }
[data-wallet-auth] .wa-form > p, [data-wallet-auth] .wa-form > button, [data-wallet-auth] .wa-form > fieldset, [data-wallet-auth] .wa-form > .wa-full, [data-wallet-auth] .wa-form > .wa-actions { grid-column: 1 / -1; }
[data-wallet-auth] .wa-form > label { padding-top: .4rem; font-weight: 500; }
[data-wallet-auth] .wa-field { display: grid; gap: var(--wa-space-1); }
[data-wallet-auth] .wa-field-hint { font-size: var(--wa-text-sm); color: var(--wa-muted); }
[data-wallet-auth] .wa-field-error { font-size: var(--wa-text-sm); color: var(--wa-bad); font-weight: 500; }
[data-wallet-auth] .wa-required { color: var(--wa-bad); }
@media (max-width: 640px) { [data-wallet-auth] .wa-form { grid-template-columns: minmax(0, 1fr); } [data-wallet-auth] .wa-form > label { padding-top: 0; } }
[data-wallet-auth] input, [data-wallet-auth] select, [data-wallet-auth] textarea { font: inherit; padding: .45rem .65rem; border-radius: var(--wa-radius-sm); border: 1px solid var(--wa-border); background: var(--wa-bg); color: var(--wa-fg); max-width: 100%; }
[data-wallet-auth] input[aria-invalid="true"], [data-wallet-auth] select[aria-invalid="true"] { border-color: var(--wa-bad); box-shadow: 0 0 0 1px var(--wa-bad); }
[data-wallet-auth] button { font: inherit; font-size: var(--wa-text-sm); font-weight: 600; padding: .45rem .85rem; border-radius: var(--wa-radius-sm); border: 1px solid var(--wa-accent); background: var(--wa-accent); color: var(--wa-on-accent); cursor: pointer; min-height: 2.25rem; }
[data-wallet-auth] button.wa-button-secondary { background: transparent; color: var(--wa-fg); border-color: var(--wa-border); }
[data-wallet-auth] button.wa-button-secondary:hover { background: var(--wa-surface-2); }
[data-wallet-auth] button.wa-danger { background: var(--wa-bad); border-color: var(--wa-bad); color: var(--wa-on-accent); }
[data-wallet-auth] button.wa-link { background: none; border: 0; color: var(--wa-accent); padding: 0 .2rem; min-height: 0; text-decoration: underline; }
[data-wallet-auth] button:disabled { opacity: .65; cursor: not-allowed; }
[data-wallet-auth] :focus-visible { outline: 3px solid var(--wa-focus); outline-offset: 2px; }
[data-wallet-auth] [tabindex="-1"]:focus { outline: none; }
[data-wallet-auth] .wa-list { list-style: none; padding: 0; margin: var(--wa-space-3) 0 0; display: grid; gap: var(--wa-space-3); }
[data-wallet-auth] .wa-card { background: var(--wa-surface); border: 1px solid var(--wa-border); border-radius: var(--wa-radius); padding: var(--wa-space-3) var(--wa-space-4); }
[data-wallet-auth] .wa-card:focus-visible { outline: 3px solid var(--wa-focus); }
[data-wallet-auth] .wa-card-head { display: flex; gap: var(--wa-space-3); align-items: center; flex-wrap: wrap; }
[data-wallet-auth] .wa-card-title { display: grid; flex: 1 1 12rem; }
[data-wallet-auth] .wa-card-title strong { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
[data-wallet-auth] .wa-monogram { flex: none; width: 2.25rem; height: 2.25rem; border-radius: 50%; display: inline-grid; place-items: center; font-weight: 700; font-size: var(--wa-text-sm); color: #fff; }
[data-wallet-auth] .wa-row, [data-wallet-auth] .wa-actions { display: flex; flex-wrap: wrap; gap: var(--wa-space-2); align-items: center; }
[data-wallet-auth] .wa-actions { margin-top: var(--wa-space-3); }
[data-wallet-auth] .wa-facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(8.5rem, 1fr)); gap: var(--wa-space-2) var(--wa-space-4); margin: var(--wa-space-3) 0 0; font-size: var(--wa-text-sm); }
[data-wallet-auth] .wa-facts + .wa-full { margin-top: var(--wa-space-3); }
[data-wallet-auth] .wa-facts dt { color: var(--wa-muted); } [data-wallet-auth] .wa-facts dd { margin: 0; }
[data-wallet-auth] .wa-indicators { display: flex; flex-wrap: wrap; gap: var(--wa-space-1) var(--wa-space-4); padding: 0; list-style: none; color: var(--wa-muted); font-size: var(--wa-text-sm); }
[data-wallet-auth] .wa-muted { color: var(--wa-muted); }
[data-wallet-auth] .wa-warn { color: var(--wa-warn); }
[data-wallet-auth] .wa-error { color: var(--wa-bad); }
[data-wallet-auth] .wa-callout { border-radius: var(--wa-radius-sm); padding: var(--wa-space-2) var(--wa-space-3); border: 1px solid var(--wa-border); background: var(--wa-surface); }
[data-wallet-auth] .wa-callout-bad { background: var(--wa-bad-soft); border-color: var(--wa-bad); color: var(--wa-fg); }
[data-wallet-auth] .wa-callout-warn { background: var(--wa-warn-soft); border-color: var(--wa-warn); color: var(--wa-fg); }
[data-wallet-auth] .wa-callout-ok { background: var(--wa-ok-soft); border-color: var(--wa-ok); color: var(--wa-fg); }
[data-wallet-auth] .wa-callout strong { display: block; }
[data-wallet-auth] .wa-error-note { margin-top: var(--wa-space-2); }
[data-wallet-auth] .wa-badges { display: flex; flex-wrap: wrap; gap: var(--wa-space-1); list-style: none; padding: 0; margin: var(--wa-space-2) 0 0; }
[data-wallet-auth] .wa-badge { display: inline-block; font-size: var(--wa-text-xs); font-weight: 600; padding: .1rem .5rem; border-radius: 999px; border: 1px solid currentColor; white-space: nowrap; }
[data-wallet-auth] .wa-badge-ok { color: var(--wa-ok); background: var(--wa-ok-soft); } [data-wallet-auth] .wa-badge-bad { color: var(--wa-bad); background: var(--wa-bad-soft); }
[data-wallet-auth] .wa-badge-warn { color: var(--wa-warn); background: var(--wa-warn-soft); } [data-wallet-auth] .wa-badge-muted { color: var(--wa-muted); background: transparent; }
[data-wallet-auth] .wa-badge-off { color: var(--wa-muted); text-decoration: line-through; background: transparent; }
[data-wallet-auth] .wa-table-wrap { max-width: 100%; }
[data-wallet-auth] .wa-table { border-collapse: collapse; width: 100%; font-size: var(--wa-text-sm); }
[data-wallet-auth] .wa-table th, [data-wallet-auth] .wa-table td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--wa-border); vertical-align: top; }
[data-wallet-auth] .wa-table th { color: var(--wa-muted); font-weight: 600; }
[data-wallet-auth] .wa-table caption { text-align: left; padding: .3rem 0; }
@media (max-width: 640px) {
  [data-wallet-auth] .wa-table thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  [data-wallet-auth] .wa-table, [data-wallet-auth] .wa-table tbody, [data-wallet-auth] .wa-table tr, [data-wallet-auth] .wa-table td { display: block; width: 100%; }
  [data-wallet-auth] .wa-table tr { border: 1px solid var(--wa-border); border-radius: var(--wa-radius-sm); margin-bottom: var(--wa-space-2); padding: var(--wa-space-1) 0; background: var(--wa-surface); }
  [data-wallet-auth] .wa-table td { border: 0; display: flex; justify-content: space-between; gap: var(--wa-space-3); text-align: right; }
  [data-wallet-auth] .wa-table td[data-label]::before { content: attr(data-label); color: var(--wa-muted); font-weight: 600; text-align: left; flex: none; }
  [data-wallet-auth] .wa-table caption { display: block; }
  [data-wallet-auth] .wa-table td > span { text-align: right; }
}
/* A source's name on its second and later asset rows: read out everywhere, shown only on the phone's cards. */
@media (min-width: 641px) { [data-wallet-auth] .wa-table .wa-repeat { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; } }
[data-wallet-auth] .wa-secret { word-break: break-all; display: block; padding: .4rem; background: var(--wa-bg); border: 1px dashed var(--wa-border); }
[data-wallet-auth] fieldset { border: 1px solid var(--wa-border); border-radius: var(--wa-radius-sm); padding: var(--wa-space-2) var(--wa-space-3); } [data-wallet-auth] .wa-check { margin-right: 1rem; }
[data-wallet-auth] .wa-segmented { display: inline-flex; flex-wrap: wrap; gap: 0; padding: 0; border: 0; margin: 0; }
[data-wallet-auth] .wa-segmented legend { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
[data-wallet-auth] .wa-segmented label { padding: .3rem .7rem; border: 1px solid var(--wa-border); margin-left: -1px; cursor: pointer; }
[data-wallet-auth] .wa-segmented label:first-of-type { border-radius: 6px 0 0 6px; } [data-wallet-auth] .wa-segmented label:last-of-type { border-radius: 0 6px 6px 0; }
[data-wallet-auth] .wa-segmented label[data-state="on"] { background: var(--wa-accent); border-color: var(--wa-accent); color: var(--wa-on-accent); }
[data-wallet-auth] .wa-segmented input { position: absolute; opacity: 0; width: 1px; height: 1px; }
[data-wallet-auth] .wa-segmented label:has(input:focus-visible) { outline: 3px solid var(--wa-focus); outline-offset: 2px; }
[data-wallet-auth] .wa-chart { margin: .75rem 0 0; } [data-wallet-auth] .wa-chart figcaption { margin-bottom: .5rem; }
[data-wallet-auth] .wa-chart details { margin-top: .5rem; } [data-wallet-auth] .wa-chart summary { cursor: pointer; color: var(--wa-accent); }
[data-wallet-auth] .recharts-tooltip-wrapper { color: #14171c; }
[data-wallet-auth] .wa-severity-critical, [data-wallet-auth] .wa-severity-high { color: var(--wa-bad); } [data-wallet-auth] .wa-severity-medium { color: var(--wa-warn); } [data-wallet-auth] .wa-severity-low { color: var(--wa-muted); }
[data-wallet-auth] .wa-amount, [data-wallet-auth] .wa-table .wa-amount { font-variant-numeric: tabular-nums; text-align: right; }
[data-wallet-auth] .wa-status-list { list-style: none; padding: 0; display: grid; gap: .35rem; }
[data-wallet-auth] .wa-sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
[data-wallet-auth] .wa-skip { position: absolute; left: var(--wa-space-2); top: -3rem; background: var(--wa-accent); color: var(--wa-on-accent); padding: var(--wa-space-2) var(--wa-space-3); border-radius: var(--wa-radius-sm); z-index: 100; }
[data-wallet-auth] .wa-skip:focus { top: var(--wa-space-2); }
[data-wallet-auth] .wa-overlay { position: fixed; inset: 0; background: rgb(0 0 0 / .5); z-index: 50; }
[data-wallet-auth] .wa-dialog { position: fixed; z-index: 51; left: 50%; top: 50%; transform: translate(-50%, -50%); width: min(32rem, calc(100vw - 2rem)); max-height: calc(100vh - 2rem); overflow: auto;
  background: var(--wa-bg); color: var(--wa-fg); border: 1px solid var(--wa-border); border-radius: var(--wa-radius); padding: var(--wa-space-6); box-shadow: 0 20px 50px rgb(0 0 0 / .3); }
[data-wallet-auth] .wa-dialog-title { font-size: var(--wa-text-lg); margin: 0 0 var(--wa-space-2); }
[data-wallet-auth] .wa-dialog-actions { justify-content: flex-end; }
[data-wallet-auth] .wa-address { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
[data-wallet-auth] .wa-wallet-icon { width: 1.5rem; height: 1.5rem; border-radius: 4px; flex: none; }
[data-wallet-auth] .wa-progress { height: 4px; background: var(--wa-surface-2); border-radius: 2px; overflow: hidden; }
[data-wallet-auth] .wa-progress > span { display: block; height: 100%; background: var(--wa-accent); }
`;
