// Point the widget manager at the copies this site serves itself, so widget
// pages work offline and never reach a CDN.
//
// Loaded by every page with a widget (myst-nb's `nb_ipywidgets_js` in
// _config.yml), after require.js and before the manager's embed-amd.js.
// Paths are derived from this script's own URL, so the site works whether it
// is served at a domain's root or under a sub-path.
(function () {
  "use strict";
  var here = document.currentScript.src.replace(/[^/]*$/, ""); // ".../widgets/"
  var manager = here + "html-manager/"; // @jupyter-widgets/html-manager's dist/
  window.requirejs.config({
    paths: {
      // anywidget's front end, as shipped in the PyPI package (nbextension/index.js).
      anywidget: here + "anywidget",
      // embed-amd.js defines these modules itself, so nothing is fetched for
      // them; but each one locates its font files next to its module URL, so
      // every name must resolve into the folder that holds the fonts.
      "@jupyter-widgets/html-manager/dist/libembed-amd": manager + "libembed-amd",
      "@jupyter-widgets/html-manager": manager + "html-manager",
      "@jupyter-widgets/base": manager + "base",
      "@jupyter-widgets/base7": manager + "base7",
      "@jupyter-widgets/controls": manager + "controls",
      "@jupyter-widgets/controls7": manager + "controls7",
    },
  });
  // The manager falls back to this "CDN" for any module it cannot find: point it
  // at the site itself, so a missing module shows up as a local 404, not a
  // request to the internet. (embed-amd reads the attribute from any <script>.)
  document.currentScript.setAttribute("data-jupyter-widgets-cdn", here + "cdn/");
})();
