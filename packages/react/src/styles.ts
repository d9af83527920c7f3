/**
 * The package's stylesheet: everything themed through CSS custom properties scoped to
 * `[data-wallet-auth]`, light and dark pairs; the host app needs no CSS framework. Override any
 * `--wa-*` variable on a parent element.
 */
export const walletAuthStyles = `
[data-wallet-auth] { --wa-bg: #ffffff; --wa-fg: #16181d; --wa-muted: #4b5361; --wa-accent: #1f5fd1; --wa-ok: #176b3a; --wa-bad: #a4161a; --wa-warn: #8a5a00; --wa-border: #d4d8df; --wa-card: #f6f7f9;
  font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--wa-fg); background: var(--wa-bg); line-height: 1.45; }
@media (prefers-color-scheme: dark) { [data-wallet-auth] { --wa-bg: #111317; --wa-fg: #e8eaee; --wa-muted: #aab1bd; --wa-accent: #7aa7ff; --wa-ok: #5fd18b; --wa-bad: #ff8a8a; --wa-warn: #f2c45a; --wa-border: #2c313a; --wa-card: #1a1d23; } }
[data-wallet-auth] .wa-section { border: 1px solid var(--wa-border); border-radius: 8px; padding: 1rem; margin: 0 0 1rem; }
[data-wallet-auth] .wa-form { display: grid; grid-template-columns: max-content 1fr; gap: .4rem .8rem; align-items: center; max-width: 40rem; }
[data-wallet-auth] .wa-form > p, [data-wallet-auth] .wa-form > button, [data-wallet-auth] .wa-form > fieldset { grid-column: 1 / -1; }
[data-wallet-auth] input, [data-wallet-auth] select, [data-wallet-auth] button { font: inherit; padding: .35rem .6rem; border-radius: 6px; border: 1px solid var(--wa-border); background: var(--wa-bg); color: var(--wa-fg); }
[data-wallet-auth] button { background: var(--wa-accent); color: #fff; border-color: var(--wa-accent); cursor: pointer; }
[data-wallet-auth] button:disabled { opacity: .6; cursor: progress; }
[data-wallet-auth] button.wa-danger { background: var(--wa-bad); border-color: var(--wa-bad); }
[data-wallet-auth] :focus-visible { outline: 3px solid var(--wa-accent); outline-offset: 2px; }
[data-wallet-auth] .wa-list { list-style: none; padding: 0; display: grid; gap: .5rem; }
[data-wallet-auth] .wa-card { background: var(--wa-card); border: 1px solid var(--wa-border); border-radius: 6px; padding: .6rem .8rem; }
[data-wallet-auth] .wa-row, [data-wallet-auth] .wa-actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
[data-wallet-auth] .wa-indicators { display: flex; flex-wrap: wrap; gap: .3rem 1rem; padding: 0; list-style: none; color: var(--wa-muted); font-size: .9rem; }
[data-wallet-auth] .wa-muted { color: var(--wa-muted); }
[data-wallet-auth] .wa-warn { color: var(--wa-warn); }
[data-wallet-auth] .wa-error { color: var(--wa-bad); }
[data-wallet-auth] .wa-badge { font-size: .8rem; padding: .05rem .45rem; border-radius: 999px; border: 1px solid currentColor; }
[data-wallet-auth] .wa-badge-ok { color: var(--wa-ok); } [data-wallet-auth] .wa-badge-bad { color: var(--wa-bad); } [data-wallet-auth] .wa-badge-muted { color: var(--wa-muted); }
[data-wallet-auth] .wa-table { border-collapse: collapse; width: 100%; } [data-wallet-auth] .wa-table th, [data-wallet-auth] .wa-table td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--wa-border); }
[data-wallet-auth] .wa-table caption { text-align: left; padding: .3rem 0; }
[data-wallet-auth] .wa-secret { word-break: break-all; display: block; padding: .4rem; background: var(--wa-bg); border: 1px dashed var(--wa-border); }
[data-wallet-auth] fieldset { border: 1px solid var(--wa-border); border-radius: 6px; } [data-wallet-auth] .wa-check { margin-right: 1rem; }
[data-wallet-auth] .wa-segmented { display: inline-flex; gap: 0; padding: 0; border: 0; margin: 0; }
[data-wallet-auth] .wa-segmented legend { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
[data-wallet-auth] .wa-segmented label { padding: .3rem .7rem; border: 1px solid var(--wa-border); margin-left: -1px; cursor: pointer; }
[data-wallet-auth] .wa-segmented label:first-of-type { border-radius: 6px 0 0 6px; } [data-wallet-auth] .wa-segmented label:last-of-type { border-radius: 0 6px 6px 0; }
[data-wallet-auth] .wa-segmented label[data-state="on"] { background: var(--wa-accent); border-color: var(--wa-accent); color: #fff; }
[data-wallet-auth] .wa-segmented input { position: absolute; opacity: 0; width: 1px; height: 1px; }
[data-wallet-auth] .wa-segmented label:has(input:focus-visible) { outline: 3px solid var(--wa-accent); outline-offset: 2px; }
[data-wallet-auth] .wa-chart { margin: .75rem 0 0; } [data-wallet-auth] .wa-chart figcaption { margin-bottom: .5rem; }
[data-wallet-auth] .wa-chart details { margin-top: .5rem; } [data-wallet-auth] .wa-chart summary { cursor: pointer; color: var(--wa-accent); }
[data-wallet-auth] .recharts-tooltip-wrapper { color: var(--wa-fg); }
[data-wallet-auth] .wa-severity-critical, [data-wallet-auth] .wa-severity-high { color: var(--wa-bad); } [data-wallet-auth] .wa-severity-medium { color: var(--wa-warn); } [data-wallet-auth] .wa-severity-low { color: var(--wa-muted); }
[data-wallet-auth] .wa-amount, [data-wallet-auth] .wa-table .wa-amount { font-variant-numeric: tabular-nums; text-align: right; }
[data-wallet-auth] .wa-status-list { list-style: none; padding: 0; display: grid; gap: .35rem; }
`;
