// URL payloads from OWASP's "XSS Filter Evasion Cheat Sheet" (the href/src values of its vectors),
// written out here in our own file, plus the systematic variants the cheat sheet describes in prose
// (every control character before the scheme, mixed case, characters inside the scheme).
// Each one, used as an href, must end on http:, https:, mailto: or spanlink's about:blank.

const decimal = (s) => [...s].map((c) => `&#${c.charCodeAt(0)};`).join("");
const longDecimal = (s) =>
  [...s].map((c) => `&#${String(c.charCodeAt(0)).padStart(7, "0")}`).join("");
const hex = (s) => [...s].map((c) => `&#x${c.charCodeAt(0).toString(16).toUpperCase()}`).join("");
const percent = (s) =>
  [...s].map((c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0")).join("");

const js = "javascript:alert('XSS')";

/** The cheat sheet's vectors, as the URL an attribute would carry. */
export const OWASP = [
  "javascript:alert('XSS');",
  "JaVaScRiPt:alert('XSS')",
  "JAVASCRIPT:alert(1)",
  "javascript:alert(&quot;XSS&quot;)",
  "javascript:alert(String.fromCharCode(88,83,83))",
  "javascript:alert(\"RSnake says, 'XSS'\")",
  "javascript:alert(`XSS`)",
  "javascript:document.vulnerable=true;",
  "javascript:document.location='http://www.example.com/'",
  "javascript:eval('al'+'ert(1)')",
  "javascript:alert(document.cookie)",
  "javascript:\\u0061lert(1)",
  "javascript://%0Aalert(1)",
  "javascript://comment%0Aalert(1)",
  "javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>",
  decimal(js),
  longDecimal(js),
  hex(js),
  "&#x6a;ava&#x73;cript:alert(1)",
  "javas&#99;ript:alert(1)",
  "javascript&colon;alert(1)",
  "jAvAsCrIpT&colon;alert&lpar;1&rpar;",
  "javascript&#58;alert(1)",
  "javascript&#x3A;alert(1)",
  "javascript:&#x61;lert(1)",
  "jav\tascript:alert('XSS');",
  "jav&#x09;ascript:alert('XSS');",
  "jav&#x0A;ascript:alert('XSS');",
  "jav&#x0D;ascript:alert('XSS');",
  "jav&#9;ascript:alert(1)",
  "java&#0;script:alert(1)",
  'java\0script:alert("XSS")',
  "j\0avascript:alert(1)",
  "javascript\0:alert(1)",
  " &#14;  javascript:alert('XSS');",
  "\x01javascript:alert(1)",
  "\x0bjavascript:alert(1)",
  "javas\x0bcript:alert(1)",
  "javas\u00adcript:alert(1)",
  "java\u200bscript:alert(1)",
  "\u2028javascript:alert(1)",
  "\u2029javascript:alert(1)",
  "\ufeffjavascript:alert(1)",
  "\u00a0javascript:alert(1)",
  "\u3000javascript:alert(1)",
  "javascript:alert(1)   ",
  "\t\n javascript:alert(1)\n",
  percent(js),
  "javascript%3Aalert(1)",
  "%6A%61vascript:alert(1)",
  "%256Aavascript:alert(1)",
  "java%0ascript:alert(1)",
  "java%09script:alert(1)",
  'vbscript:msgbox("XSS")',
  "VBScript:msgbox(1)",
  "vbs:msgbox(1)",
  "livescript:alert(1)",
  "mocha:alert(1)",
  "x-javascript:alert(1)",
  "feed:javascript:alert(1)",
  "data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K",
  "data:text/html,<script>alert('XSS')</script>",
  "data:,alert(1)",
  "DATA:text/html,<script>alert(1)</script>",
  " data:text/html,<script>alert(1)</script>",
  "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
  "data&colon;text/html,<script>alert(1)</script>",
  "file:///etc/passwd",
  "file://c:/windows/win.ini",
  "blob:https://evil.example/0f0e6a3c",
  "filesystem:https://evil.example/temporary/x",
  "view-source:https://evil.example/",
  "ms-its:mhtml:file://c:/x.mht!http://evil.example/x.chm::/x.htm",
  "mhtml:http://evil.example/x",
  "res://ieframe.dll/acr_error.htm",
  "jar:https://evil.example/x.jar!/x.html",
  "wyciwyg://0/javascript:alert(1)",
  "about:srcdoc",
  "chrome://settings",
  "&{alert('XSS')}",
  "<script>alert('XSS')</script>",
  '"><script>alert(1)</script>',
  "'';!--\"<XSS>=&{()}",
  "http://66.102.7.147/",
  "http://%77%77%77%2E%65%78%61%6D%70%6C%65%2E%63%6F%6D",
  "http://1113982867/",
  "http://0x42.0x0000066.0x7.0x93/",
  "http://0102.0146.0007.00000223/",
  "//www.example.com",
  "\\\\www.example.com",
  "http://example:ha.ckers.org",
  "http://www.example.com./",
  "h\ntt\tp://6\t6.000146.0x7.147/",
  "https:javascript:alert(1)",
  "mailto:a@b.example?subject=javascript:alert(1)",
];

/** Every C0 control and space before the scheme (the cheat sheet tries them all). */
export const CONTROL_PREFIXED = Array.from(
  { length: 0x21 },
  (_, c) => String.fromCharCode(c) + "javascript:alert(1)",
);

/** Every C0 control inside the scheme. */
export const CONTROL_INSIDE = Array.from(
  { length: 0x20 },
  (_, c) => "java" + String.fromCharCode(c) + "script:alert(1)",
);

export const PAYLOADS = [...OWASP, ...CONTROL_PREFIXED, ...CONTROL_INSIDE];
