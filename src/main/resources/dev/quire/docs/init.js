// Starts Swagger UI on Quire's OpenAPI document. A file of its own, not an inline script: the page's
// Content-Security-Policy runs only scripts from Quire's own origin.
(function () {
    'use strict';
    window.ui = SwaggerUIBundle({
        // relative to this page (…/docs/), so it finds the document under any context path
        url: new URL('../api/openapi.json', document.baseURI).href,
        dom_id: '#swagger-ui',
        deepLinking: true,
        // the default sends the document to validator.swagger.io; nothing leaves this origin
        validatorUrl: null,
        presets: [SwaggerUIBundle.presets.apis],
        layout: 'BaseLayout'
    });
}());
