using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Bench;

/// <summary>
/// Load on the endpoints Sentry calls while a user fills in the Link Issue modal (design.md §2): create, link and
/// the two select fields' options, each request built and signed as Sentry does (sentry-contract.md §3.2–3.4).
/// Seeds the tickets first, then runs the four operations round-robin over a fixed number of concurrent callers.
/// </summary>
internal sealed class UiComponentLoad(Guid installation, string secret)
{
    public static readonly string[] Operations = ["create", "link", "options/tickets", "options/assignees"];

    private static readonly string[] Words = ["checkout", "payment", "Zero", "login", "cart", "total", "timeout", "null", "café", "export"];

    private readonly byte[] key = Encoding.UTF8.GetBytes(secret);
    private long nextIssue = 2_000_000_000;

    /// <summary>Makes <paramref name="tickets"/> tickets through the create endpoint; returns how long it took.</summary>
    public async Task<TimeSpan> SeedAsync(HttpClient http, int tickets, int callers, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var remaining = tickets;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                using var response = await http.SendAsync(Create(), cancellationToken);
                response.EnsureSuccessStatusCode();
            }
        }));
        return watch.Elapsed;
    }

    /// <summary>Runs the four operations round-robin for <paramref name="duration"/>; one recorder per operation.</summary>
    public async Task<IReadOnlyDictionary<string, LatencyRecorder>> RunAsync(
        HttpClient http, int callers, int tickets, TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        var recorders = Operations.ToDictionary(o => o, _ => new LatencyRecorder(), StringComparer.Ordinal);
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var end = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
        {
            var random = new Random(caller);
            for (var i = caller; Stopwatch.GetTimestamp() < end; i++)
            {
                var operation = Operations[i % Operations.Length];
                using var request = operation switch
                {
                    "create" => Create(),
                    "link" => Link(random.Next(1, tickets + 1)),
                    "options/tickets" => Options("tickets", random.Next(3) == 0 ? random.Next(1, tickets + 1).ToString(CultureInfo.InvariantCulture) : Words[random.Next(Words.Length)]),
                    _ => Options("assignees", random.Next(2) == 0 ? "" : ((char)('a' + random.Next(26))).ToString()),
                };
                var sent = Stopwatch.GetTimestamp();
                int? status = null;
                string? error = null;
                try
                {
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                    status = (int)response.StatusCode;
                }
                catch (HttpRequestException exception)
                {
                    error = exception.Message;
                }

                if (sent >= measureFrom)
                {
                    recorders[operation].Record(Stopwatch.GetTimestamp() - sent, status, error);
                }
            }
        }));
        return recorders;
    }

    private HttpRequestMessage Create()
    {
        var issue = Interlocked.Increment(ref nextIssue);
        var actor = issue % 50;
        var body = Encoding.ASCII.GetBytes(
            $"{{\"fields\":{{\"title\":\"ZeroDivisionError: caf\\u00e9 total #{issue}\",\"description\":\"Raised in checkout.views.total\",\"priority\":\"high\"}}," +
            $"\"issueId\":{issue},\"installationId\":\"{installation:D}\",\"webUrl\":\"https://bench-org.sentry.io/issues/{issue}/\"," +
            $"\"project\":{{\"slug\":\"front-end\",\"id\":1}},\"actor\":{{\"type\":\"user\",\"id\":{actor},\"name\":\"Bench User {actor}\"}}}}");
        return Signed("/sentry/issue-link/create", body);
    }

    private HttpRequestMessage Link(int ticket)
    {
        var issue = Interlocked.Increment(ref nextIssue);
        var body = Encoding.ASCII.GetBytes(
            $"{{\"fields\":{{\"ticket\":\"{ticket}\"}},\"issueId\":{issue},\"installationId\":\"{installation:D}\"," +
            $"\"webUrl\":\"https://bench-org.sentry.io/issues/{issue}/\",\"project\":{{\"slug\":\"front-end\",\"id\":1}},\"actor\":{{\"type\":\"user\",\"id\":1,\"name\":\"Bench User 1\"}}}}");
        return Signed("/sentry/issue-link/link", body);
    }

    // GET, signed over "" (sentry-contract.md §3.4); query parameters in Sentry's order.
    private HttpRequestMessage Options(string field, string query)
    {
        var uri = $"/sentry/options/{field}?installationId={installation:D}&projectSlug=front-end" + (query.Length > 0 ? $"&query={Uri.EscapeDataString(query)}" : "");
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Add("Request-ID", Guid.NewGuid().ToString("N"));
        request.Headers.Add("Sentry-App-Signature", Convert.ToHexStringLower(HMACSHA256.HashData(key, Array.Empty<byte>())));
        return request;
    }

    private HttpRequestMessage Signed(string path, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("Request-ID", Guid.NewGuid().ToString("N"));
        request.Headers.Add("Sentry-App-Signature", Convert.ToHexStringLower(HMACSHA256.HashData(key, body)));
        return request;
    }
}
