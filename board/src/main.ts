/** The live order board page (GET /board). */
import { BoardApp } from "./app";

const websocketUrl = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/graphql`;
new BoardApp(websocketUrl).boot();
