// A drill's board, kept live. The server says only "this drill changed" over a WebSocket;
// the board is fetched again from the ordinary page, through the same rules, so a player's
// page never receives a card before the game master reveals it. The timer counts down.
const board = document.getElementById("drill-board");

async function refresh() {
  const response = await fetch(board.dataset.boardUrl, { credentials: "same-origin" });
  if (response.ok) {
    board.innerHTML = await response.text();
    tick();
  }
}

function connect(delay) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}${board.dataset.liveUrl}`);
  let opened = false;
  socket.addEventListener("open", () => {
    opened = true;
    board.dataset.live = "on";
  });
  socket.addEventListener("message", () => refresh().catch(() => {}));
  socket.addEventListener("close", (event) => {
    delete board.dataset.live;
    if (event.code >= 4400 && event.code < 4500) return; // not allowed: stop
    const next = opened ? 1000 : Math.min(delay * 2, 60000);
    setTimeout(() => {
      refresh().catch(() => {});
      connect(next);
    }, next);
  });
}

// Each timer counts from what the server said was left when it drew the board (its own
// clock, not this computer's); a paused one stands still.
const drawn = new WeakMap();

function tick() {
  for (const timer of document.querySelectorAll(".drill-timer[data-left]")) {
    if (!drawn.has(timer)) drawn.set(timer, performance.now());
    const gone = "paused" in timer.dataset ? 0 : (performance.now() - drawn.get(timer)) / 1000;
    const left = Math.round(Number(timer.dataset.left) - gone);
    const sign = left < 0 ? "−" : "";
    const seconds = Math.abs(left);
    timer.textContent = `${sign}${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
    timer.classList.toggle("is-over", left < 0);
  }
}

if (board) {
  tick();
  setInterval(tick, 1000);
  if (board.dataset.liveUrl && "WebSocket" in window) connect(1000);
}
