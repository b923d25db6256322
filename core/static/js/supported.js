// Marks the page as JavaScript-enabled before it renders, as GOV.UK Frontend expects.
// Kept in a file (not inline) so the Content Security Policy can forbid inline script.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
