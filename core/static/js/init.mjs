// Starts the GOV.UK Frontend components (error summary focus, navigation toggle, conditional reveals).
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
