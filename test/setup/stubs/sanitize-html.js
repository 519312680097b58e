// n8n's Send Email node loads its Form helpers, which load sanitize-html, whose htmlparser2 12 is
// ES modules only: Node requires it, Jest's module runtime cannot. The templates' mail step never
// reaches the Form helpers, so under Jest they get this stand-in (npm run flows and real n8n load
// the real one).
module.exports = Object.assign((html) => String(html), { defaults: { allowedTags: [], allowedAttributes: {} } });
