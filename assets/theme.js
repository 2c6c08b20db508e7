// The colour scheme the user picked, applied before the page is first drawn: the app
// itself starts later (after its wasm loads), and would otherwise show a light page first
// to someone who chose Dark. src/ui/theme.rs keeps it up to date from then on.
try {
  var theme = localStorage.getItem('pipewright.theme');
  if (theme === 'light' || theme === 'dark') document.documentElement.setAttribute('data-theme', theme);
} catch (e) {
  // Storage turned off: the system's scheme applies.
}
