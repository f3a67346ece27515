// The top bar's unread count, kept live. The server says only "your inbox changed" over a
// WebSocket; the count is fetched again from the ordinary page, so nothing can leak. Without
// WebSockets the count is simply as fresh as the page.
const link = document.getElementById("inbox-link");

async function refresh() {
  const response = await fetch(link.dataset.badgeUrl, { credentials: "same-origin" });
  if (response.ok) link.innerHTML = await response.text();
}

function connect(delay) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}${link.dataset.liveUrl}`);
  let opened = false;
  socket.addEventListener("open", () => {
    opened = true;
    link.dataset.live = "on";
  });
  socket.addEventListener("message", () => refresh().catch(() => {}));
  socket.addEventListener("close", (event) => {
    delete link.dataset.live;
    if (event.code >= 4400 && event.code < 4500) return; // signed out: stop
    const next = opened ? 1000 : Math.min(delay * 2, 60000);
    // Something may have changed while the socket was down.
    setTimeout(() => {
      refresh().catch(() => {});
      connect(next);
    }, next);
  });
}

if (link?.dataset.liveUrl && "WebSocket" in window) connect(1000);
