// Tables on small screens (issue 15; see css/homeward.css): give every cell of a table in the main content
// whose markup has no data-label its column's heading as one, and the rows back the table roles that
// `display: block` takes from them on a small screen, so a screen reader still reads a table.
const ROLES = { TABLE: "table", THEAD: "rowgroup", TBODY: "rowgroup", TFOOT: "rowgroup", TR: "row", TD: "cell" };

function headings(table) {
  const row = table.tHead && table.tHead.rows[0];
  if (!row) return [];
  const names = [];
  for (const cell of row.cells) {
    // A heading shown only to screen readers (such as "Action") labels nothing on screen.
    const hidden = [...cell.querySelectorAll(".govuk-visually-hidden")].map((part) => part.textContent).join("");
    const shown = cell.textContent.replace(hidden, "").trim();
    for (let span = 0; span < (cell.colSpan || 1); span += 1) names.push(shown);
  }
  return names;
}

export function labelTable(table) {
  const names = headings(table);
  for (const element of [table, ...table.querySelectorAll("thead, tbody, tfoot, tr, td, th")]) {
    if (element.hasAttribute("role")) continue;
    const role =
      element.tagName === "TH"
        ? element.getAttribute("scope") === "row" || element.closest("tbody")
          ? "rowheader"
          : "columnheader"
        : ROLES[element.tagName];
    if (role) element.setAttribute("role", role);
  }
  for (const body of table.tBodies) {
    for (const row of body.rows) {
      let column = 0;
      for (const cell of row.cells) {
        // A row's heading (th) names the row itself: only the data cells are labelled.
        if (cell.tagName === "TD" && !cell.hasAttribute("data-label") && names[column] !== undefined) {
          cell.setAttribute("data-label", names[column]);
        }
        column += cell.colSpan || 1;
      }
    }
  }
  table.classList.add("hw-table--labelled");
}

for (const table of document.querySelectorAll("main table.govuk-table")) labelTable(table);
