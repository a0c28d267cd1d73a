//! The widget's one stylesheet, adopted by its shadow root through a constructable
//! `CSSStyleSheet` (no `<style>` element, no `style` attribute: strict CSP holds).
//!
//! Themes: light, dark, or the visitor's `prefers-color-scheme` (`data-theme` on the host).
//! Sites theme it with `--eservqual-accent`, `--eservqual-radius` and `--eservqual-font` on the
//! host element (or the config's `theme`). Text contrast is at least 4.5:1 and control borders
//! 3:1 in both themes; logical properties only (right-to-left ready); no motion when the
//! visitor asks for reduced motion.

use eservqual_core::config::Theme;

/// On narrow screens the 0–10 scale is two rows of one grid, 0–5 over 6–10, in reading order:
/// eleven options on one row at 320 px would each be under the 24 px target size.
pub const CSS: &str = r#":host{all:initial;display:block;
--bg:#fff;--fg:#1f2933;--mu:#4b5563;--ln:#6b7280;--sf:#f3f4f6;--ln2:#e5e7eb;--er:#b42318;
--a:var(--eservqual-accent,#1d4ed8);--on:var(--eservqual-on-accent,#fff);--r:var(--eservqual-radius,12px);
--f:var(--eservqual-font,system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif)}
:host([data-theme=dark]){--bg:#161b22;--fg:#f0f3f6;--mu:#c4ccd6;--ln:#8b949e;--sf:#222a35;--ln2:#30363d;--er:#ff9b8f;--a:var(--eservqual-accent,#8ab4ff);--on:var(--eservqual-on-accent,#0b1220);color-scheme:dark}
@media (prefers-color-scheme:dark){:host([data-theme=auto]){--bg:#161b22;--fg:#f0f3f6;--mu:#c4ccd6;--ln:#8b949e;--sf:#222a35;--ln2:#30363d;--er:#ff9b8f;--a:var(--eservqual-accent,#8ab4ff);--on:var(--eservqual-on-accent,#0b1220);color-scheme:dark}}
:host([hidden]){display:none}
*,*::before,*::after{box-sizing:border-box}
.eq{font:16px/1.5 var(--f);color:var(--fg);background:var(--bg);text-align:start;overflow-wrap:anywhere}
section.eq{border:1px solid var(--ln);border-radius:var(--r);padding:1.25rem;max-inline-size:44rem}
dialog.eq{inline-size:min(42rem,calc(100vw - 1rem));max-block-size:calc(100dvh - 1rem);padding:1.25rem 1.25rem 1rem;border:0;border-radius:var(--r);box-shadow:0 24px 60px rgb(0 0 0/.35)}
dialog.eq::backdrop{background:rgb(15 23 42/.6)}
@media (prefers-reduced-motion:no-preference){dialog.eq[open]{animation:eq-in .18s ease-out}.opt,.btn,.launcher{transition:background-color .12s,border-color .12s}}
@keyframes eq-in{from{opacity:0;translate:0 .75rem}}
.top{display:flex;align-items:flex-start;gap:.75rem}
.top h2{flex:1;margin:0;font-size:1.375rem;line-height:1.3}
.x{min-inline-size:2.75rem;min-block-size:2.75rem;border:1px solid transparent;border-radius:999px;background:transparent;color:var(--fg);font:inherit;font-size:1.5rem;line-height:1;cursor:pointer}
.x:hover{background:var(--sf)}
.prog{display:flex;align-items:center;gap:.75rem;margin:.75rem 0 0;color:var(--mu);font-size:.875rem}
progress{flex:1;block-size:.5rem;border:0;border-radius:999px;background:var(--sf);overflow:hidden;accent-color:var(--a)}
progress::-webkit-progress-bar{background:var(--sf)}
progress::-webkit-progress-value{background:var(--a);border-radius:999px}
h3{margin:1.25rem 0 .25rem;font-size:1.125rem;line-height:1.35}
h3:focus{outline:none}
p{margin:.25rem 0 .75rem}
.mu{color:var(--mu)}
fieldset{border:0;margin:0 0 1rem;padding:0;min-inline-size:0}
legend{float:inline-start;inline-size:100%;padding:0;margin-block-end:.625rem;font-weight:600}
legend~*{clear:both}
.q{padding:.875rem 1rem;border:1px solid var(--ln2);border-radius:var(--r);background:var(--bg)}
.q .q{padding:0;border:0;margin:.5rem 0 0}
.q .q legend{font-weight:400;color:var(--mu);font-size:.9375rem}
.bad{border-color:var(--er);border-inline-start:4px solid var(--er)}
.scale{display:grid;grid-template-columns:repeat(auto-fit,minmax(2.5rem,1fr));gap:.375rem}
.opt{position:relative;display:flex;flex-direction:column;align-items:center;gap:.125rem;min-block-size:2.75rem;padding:.375rem .25rem;border:1px solid var(--ln);border-radius:calc(var(--r)*.6);cursor:pointer;font-variant-numeric:tabular-nums}
.opt:hover{background:var(--sf)}
.opt:has(:checked){border-color:var(--a);background:var(--a);color:var(--on);font-weight:600}
.opt:has(:focus-visible),.na:has(:focus-visible){outline:3px solid var(--a);outline-offset:2px}
input[type=radio]{inline-size:1.25rem;block-size:1.25rem;margin:0;accent-color:var(--a)}
.opt input{position:absolute;opacity:0;inline-size:1px;block-size:1px}
.ends{display:flex;justify-content:space-between;gap:1rem;margin:.25rem 0 0;color:var(--mu);font-size:.8125rem}
.ends :last-child{text-align:end}
.na{display:inline-flex;align-items:center;gap:.5rem;min-block-size:2.75rem;margin-block-start:.25rem;color:var(--mu);font-size:.9375rem;cursor:pointer}
.yn{display:flex;flex-wrap:wrap;gap:.5rem}
.yn .opt{flex:0 1 8rem;flex-direction:row;justify-content:center;padding-inline:1rem}
.err{color:var(--er);font-weight:600;margin:.5rem 0 0}
.sum{padding:.625rem .875rem;border:1px solid var(--er);border-radius:calc(var(--r)*.6)}
textarea,input[type=number]{font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--ln);border-radius:calc(var(--r)*.6);padding:.5rem .625rem}
textarea{inline-size:100%;min-block-size:6rem;resize:vertical}
textarea:focus-visible,input[type=number]:focus-visible{outline:3px solid var(--a);outline-offset:1px}
.w{display:flex;align-items:center;justify-content:space-between;gap:1rem;margin:.375rem 0}
input[type=number]{inline-size:6rem;min-block-size:2.75rem}
output{display:block;margin-block-start:.5rem;font-weight:600}
.lab{display:block;font-weight:600;margin-block-end:.5rem}
.nav{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.75rem;margin-block-start:1.25rem}
.nav .btn:last-child{margin-inline-start:auto}
.btn{min-block-size:2.75rem;min-inline-size:6rem;padding:.5rem 1.25rem;border:2px solid var(--a);border-radius:999px;font:inherit;font-weight:600;cursor:pointer}
.pri{background:var(--a);color:var(--on)}
.sec{background:transparent;color:var(--fg);border-color:var(--ln)}
.btn:hover{filter:brightness(1.08)}
.btn:focus-visible,.x:focus-visible,.launcher:focus-visible{outline:3px solid var(--a);outline-offset:3px}
.launcher{position:fixed;inset-block-end:1.25rem;inset-inline-end:1.25rem;z-index:2147483000;min-block-size:3rem;padding:.75rem 1.375rem;border:0;border-radius:999px;background:var(--a);color:var(--on);font:600 1rem/1.2 var(--f);box-shadow:0 8px 24px rgb(0 0 0/.25);cursor:pointer}
.done h3{font-size:1.25rem}
.lines{margin:.5rem 0 1rem;padding:.75rem 1rem;border-radius:var(--r);background:var(--sf);list-style:none}
.lines li{margin:.25rem 0}
.status{font-weight:600}
.sr{position:absolute;inline-size:1px;block-size:1px;margin:-1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
@media (max-width:30rem){dialog.eq{padding:1rem .875rem}.q{padding:.75rem}.scale{grid-template-columns:repeat(auto-fit,minmax(2.25rem,1fr))}.scale:has(>:nth-child(11)){grid-template-columns:repeat(6,1fr)}}
@media (forced-colors:active){.opt:has(:checked){outline:3px solid CanvasText}}
"#;

/// The stylesheet text: [`CSS`], then the config's theme values as the public custom
/// properties (checked by the core to be plain values that cannot leave their declaration).
pub fn sheet(theme: &Theme) -> String {
    let mut css = String::from(CSS);
    let vars = [("accent", &theme.accent), ("radius", &theme.radius), ("font", &theme.font)];
    if vars.iter().any(|(_, v)| v.is_some()) {
        css.push_str(":host{");
        for (name, value) in vars {
            if let Some(v) = value {
                css.push_str("--eservqual-");
                css.push_str(name);
                css.push(':');
                css.push_str(v);
                css.push(';');
            }
        }
        css.push('}');
    }
    css
}
