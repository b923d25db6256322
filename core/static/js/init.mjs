// Starts the GOV.UK Frontend components (error summary focus, navigation toggle, conditional reveals), and labels
// the cells of tables for small screens (stacked-tables.mjs).
import { initAll } from "../govuk/govuk-frontend.min.js";
import "./stacked-tables.mjs";

initAll();
