// The import page's progress, updated in place while the background job runs (progressive enhancement).
//
// Without JavaScript the page refreshes itself (a meta refresh inside <noscript>) and has a "Check progress" link.
// With it, this script fetches the same page every few seconds and swaps in its progress region
// (#import-progress), so the page does not jump, focus stays put, and a screen reader hears the new state through
// a polite live region. It stops once the import has finished (the region says data-finished="true"), when the
// page cannot be fetched (signed out, say: the link still works), or when the region is missing from the answer.

const REGION_ID = "import-progress";
const STATE_ID = "import-state";

function announcer() {
  const live = document.createElement("p");
  live.className = "govuk-visually-hidden";
  live.setAttribute("aria-live", "polite");
  live.id = "import-progress-announcement";
  document.getElementById(REGION_ID).after(live);
  return live;
}

function stateText(root) {
  const state = root.querySelector(`#${STATE_ID}`);
  return state ? state.textContent.trim() : "";
}

async function fetchRegion(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
  if (!response.ok || response.redirected) {
    return null;
  }
  const html = await response.text();
  const fetched = new DOMParser().parseFromString(html, "text/html");
  return fetched.getElementById(REGION_ID);
}

function start() {
  const region = document.getElementById(REGION_ID);
  if (!region || region.dataset.finished === "true") {
    return;
  }
  const seconds = Number(region.dataset.refreshSeconds) || 3;
  const live = announcer();
  const poll = async () => {
    let fresh;
    try {
      fresh = await fetchRegion(window.location.href);
    } catch {
      fresh = null;
    }
    if (!fresh) {
      return; // leave the page as it is: the "Check progress" link still works
    }
    const current = document.getElementById(REGION_ID);
    if (fresh.innerHTML !== current.innerHTML) {
      const before = stateText(current);
      current.replaceWith(fresh);
      const after = stateText(fresh);
      if (after && after !== before) {
        live.textContent = `Import ${after.toLowerCase()}`;
      }
    }
    if (fresh.dataset.finished !== "true") {
      window.setTimeout(poll, seconds * 1000);
    }
  };
  window.setTimeout(poll, seconds * 1000);
}

start();
