// The public pages' JavaScript: GOV.UK Frontend's components, with the Exit this page component changed in one way
// and given one more key. Without JavaScript the button is a plain link to the neutral site and still works.
//
// - GOV.UK's component leaves with `location.href = ...`, which keeps this page in the history. QuickExit leaves
//   with `location.replace(...)`, so the neutral site takes this page's place and Back does not return to it.
// - Shift pressed three times is the component's own shortcut; Escape is added, as councils' pages offer it.
import { Button, createAll, ErrorSummary, ExitThisPage, Radios, SkipLink } from "../../govuk/govuk-frontend.min.js";

class QuickExit extends ExitThisPage {
  constructor($root, config) {
    super($root, config);
    document.addEventListener(
      "keydown",
      (event) => {
        if (event.key === "Escape" || event.key === "Esc") {
          event.preventDefault();
          this.exitPage();
        }
      },
      true,
    );
  }

  exitPage() {
    document.body.classList.add("govuk-exit-this-page-hide-content");
    const overlay = document.createElement("div");
    overlay.className = "govuk-exit-this-page-overlay";
    overlay.setAttribute("role", "alert");
    overlay.textContent = this.i18n.t("activated");
    document.body.appendChild(overlay);
    window.location.replace(this.$button.href);
  }
}

createAll(Button);
createAll(ErrorSummary);
createAll(Radios);
createAll(SkipLink);
createAll(QuickExit);
