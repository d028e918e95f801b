// The search page's only script: Pagefind's default UI over the index written at build time.
// Relative to this file, so that a site served under a path finds it too.
import './pagefind/pagefind-ui.js';

const element = document.getElementById('search');
if (element && window.PagefindUI) {
  new window.PagefindUI({
    element: '#search',
    baseUrl: element.dataset.baseUrl || '/',
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    autofocus: true,
  });
  // A visible label for Pagefind's input (it only has an aria-label).
  const input = element.querySelector('input');
  const label = document.querySelector('label[for="search-input"]');
  if (input && label) {
    input.id = 'search-input';
    label.hidden = false;
  }
}
