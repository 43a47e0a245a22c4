// Passkeys (WebAuthn): adding one in the profile (form data-passkey="register")
// and signing in with one (form data-passkey="signin"). The server keeps the
// challenge; this only carries bytes between it and the browser, as
// base64url, the encoding go-webauthn reads and writes.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) return; // the forms stay hidden or say why

  function toBytes(s) {
    var b64 = s.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var bin = atob(b64), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }
  function toB64url(buf) {
    var bytes = new Uint8Array(buf), bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function show(form, msg) {
    var el = document.getElementById("passkey-status");
    if (!el) return;
    el.textContent = msg;
    el.hidden = !msg;
  }
  // post sends JSON and returns the parsed answer; a refusal throws its message.
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: body === undefined ? "{}" : JSON.stringify(body)
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) throw new Error(data.error || "The server refused (" + res.status + ").");
        return data;
      });
    });
  }
  function descriptors(list) {
    return (list || []).map(function (c) { return Object.assign({}, c, { id: toBytes(c.id) }); });
  }

  function register(form) {
    var name = form.elements.name.value.trim();
    return post("/admin/profile/passkeys/begin").then(function (opts) {
      var pk = opts.publicKey;
      pk.challenge = toBytes(pk.challenge);
      pk.user.id = toBytes(pk.user.id);
      pk.excludeCredentials = descriptors(pk.excludeCredentials);
      return navigator.credentials.create({ publicKey: pk });
    }).then(function (cred) {
      var r = cred.response;
      return post("/admin/profile/passkeys/finish?name=" + encodeURIComponent(name), {
        id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
        authenticatorAttachment: cred.authenticatorAttachment || undefined,
        clientExtensionResults: cred.getClientExtensionResults(),
        response: {
          clientDataJSON: toB64url(r.clientDataJSON),
          attestationObject: toB64url(r.attestationObject),
          transports: r.getTransports ? r.getTransports() : []
        }
      });
    });
  }

  function signin(form) {
    var next = form.elements.next ? form.elements.next.value : "";
    return post("/signin/passkey/begin").then(function (opts) {
      var pk = opts.publicKey;
      pk.challenge = toBytes(pk.challenge);
      pk.allowCredentials = descriptors(pk.allowCredentials);
      return navigator.credentials.get({ publicKey: pk });
    }).then(function (cred) {
      var r = cred.response;
      return post("/signin/passkey/finish?next=" + encodeURIComponent(next), {
        id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
        authenticatorAttachment: cred.authenticatorAttachment || undefined,
        clientExtensionResults: cred.getClientExtensionResults(),
        response: {
          clientDataJSON: toB64url(r.clientDataJSON),
          authenticatorData: toB64url(r.authenticatorData),
          signature: toB64url(r.signature),
          userHandle: r.userHandle ? toB64url(r.userHandle) : undefined
        }
      });
    });
  }

  var unsupported = document.getElementById("passkey-unsupported");
  if (unsupported) unsupported.hidden = true;
  document.querySelectorAll("form[data-passkey]").forEach(function (form) {
    var run = form.dataset.passkey === "register" ? register : signin;
    form.hidden = false;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var button = form.querySelector("button");
      button.disabled = true;
      show(form, "");
      run(form).then(function (data) {
        window.location.assign(data.redirect || "/");
      }).catch(function (err) {
        // NotAllowedError: the person cancelled, or the device refused.
        show(form, err.name === "NotAllowedError" ? "No passkey was used." : err.message);
        button.disabled = false;
      });
    });
  });
})();
