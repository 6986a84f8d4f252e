// Starts Swagger UI on the API docs page. A file, not an inline script, so the
// Content-Security-Policy can forbid inline scripts; everything loads from this server.
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null,
    persistAuthorization: false,
    tryItOutEnabled: false,
  });
});
