using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Portal.SentryPlatform.Payloads;

namespace Portal.SentryPlatform;

/// <summary>
/// Everything the portal asks of Sentry's API, with the bodies exactly as sentry-contract.md §1 and §6 give them.
/// The HttpClient behind it follows no redirects and times out quickly (SentryPlatformRegistration); a 429 is
/// waited out when Sentry asks for at most <see cref="MaxRetryAfter"/>. Failures surface as
/// <see cref="SentryApiException"/>s whose messages carry Sentry's words but never a credential.
/// </summary>
internal sealed partial class SentryApiClient(HttpClient http, IOptions<SentryOptions> options, TimeProvider time, ILogger<SentryApiClient> logger)
{
    public const string JwtBearerGrantType = "urn:sentry:params:oauth:grant-type:jwt-bearer";

    /// <summary>Longest <c>Retry-After</c> waited out in place; longer ones fail the call as rate limited.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(5);

    private const int MaxRateLimitedAttempts = 3;

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private SentryOptions Options => options.Value;

    /// <summary>Exchanges an installation's single-use grant code for its first token pair (§1.4).</summary>
    public Task<SentryTokenGrant> ExchangeGrantAsync(Guid installationId, string code, CancellationToken cancellationToken) =>
        AuthorizeAsync("the token exchange", installationId, bearer: null, writer =>
        {
            writer.WriteString("grant_type", "authorization_code");
            writer.WriteString("code", code);
            writer.WriteString("client_id", Options.ClientId);
            writer.WriteString("client_secret", Options.ClientSecret);
        }, cancellationToken);

    /// <summary>Trades the refresh token for a new pair; Sentry deletes the old pair in the same step (§1.5).</summary>
    public Task<SentryTokenGrant> RefreshAsync(Guid installationId, string refreshToken, CancellationToken cancellationToken) =>
        AuthorizeAsync("the token refresh", installationId, bearer: null, writer =>
        {
            writer.WriteString("grant_type", "refresh_token");
            writer.WriteString("refresh_token", refreshToken);
            writer.WriteString("client_id", Options.ClientId);
            writer.WriteString("client_secret", Options.ClientSecret);
        }, cancellationToken);

    /// <summary>The manual refresh that needs no refresh token, for when a refresh answer was lost (§1.5).</summary>
    public Task<SentryTokenGrant> RefreshWithJwtAsync(Guid installationId, CancellationToken cancellationToken) =>
        AuthorizeAsync(
            "the manual token refresh",
            installationId,
            bearer: SentryJwt.Create(Options.ClientId ?? "", Options.ClientSecret ?? "", time.GetUtcNow()),
            writer => writer.WriteString("grant_type", JwtBearerGrantType),
            cancellationToken);

    /// <summary><c>PUT …/sentry-app-installations/{id}/ {"status":"installed"}</c> with the installation's token (§1.6).</summary>
    public async Task<SentryInstallationInfo> VerifyInstallationAsync(Guid installationId, string accessToken, CancellationToken cancellationToken)
    {
        using var response = await SendAsync("the installation verification", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Put, InstallationPath(installationId))
            {
                Content = JsonBody(writer => writer.WriteString("status", "installed")),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            return request;
        }, cancellationToken);
        return await ReadInstallationAsync("the installation verification", response, cancellationToken);
    }

    /// <summary>
    /// <c>GET …/sentry-app-installations/{id}/</c>: the installation as Sentry has it, which tells the organization
    /// when verification is off (INFERRED from Sentry's <c>SentryAppInstallationDetailsEndpoint.get</c>).
    /// </summary>
    public async Task<SentryInstallationInfo> GetInstallationAsync(Guid installationId, string accessToken, CancellationToken cancellationToken)
    {
        using var response = await SendAsync("reading the installation", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, InstallationPath(installationId));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            return request;
        }, cancellationToken);
        return await ReadInstallationAsync("reading the installation", response, cancellationToken);
    }

    private static string InstallationPath(Guid installationId) =>
        $"api/0/sentry-app-installations/{installationId:D}/";

    private async Task<SentryTokenGrant> AuthorizeAsync(
        string operation, Guid installationId, string? bearer, Action<Utf8JsonWriter> writeBody, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(operation, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"{InstallationPath(installationId)}authorizations/")
            {
                Content = JsonBody(writeBody),
            };
            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            return request;
        }, cancellationToken);

        using var document = await ReadJsonAsync(operation, response, cancellationToken);
        var root = document.RootElement;
        if (root.StringOf("token") is not { Length: > 0 } token)
        {
            throw Unexpected(operation, "it has no token");
        }

        // An internal integration's token has no expiry and no refresh token; an installation's always has both.
        var refreshToken = root.StringOf("refreshToken") ?? "";
        DateTimeOffset? expiresAt = root.StringOf("expiresAt") is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed.ToUniversalTime()
                : null;
        return new SentryTokenGrant(token, refreshToken, expiresAt);
    }

    // Bodies go out exactly as the contract shows them: compact JSON, properties in its order, Content-Type without a
    // charset parameter (Sentry only parses bodies whose Content-Type starts with application/json).
    private static ByteArrayContent JsonBody(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = Json;
        return content;
    }

    private async Task<HttpResponseMessage> SendAsync(string operation, Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            using (var request = createRequest())
            {
                try
                {
                    response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                }
                catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    // The exception's own message can name the host but never a credential; keep it as the inner exception.
                    throw new SentryApiException(SentryApiFailure.Unreachable,
                        $"Sentry could not be reached for {operation} ({Describe(exception)}).", innerException: exception);
                }
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    var retryAfter = RetryAfterOf(response) ?? TimeSpan.FromSeconds(1);
                    if (retryAfter <= MaxRetryAfter && attempt < MaxRateLimitedAttempts)
                    {
                        LogRateLimited(operation, retryAfter.TotalSeconds);
                        await Task.Delay(retryAfter, time, cancellationToken);
                        continue;
                    }

                    throw new SentryApiException(SentryApiFailure.RateLimited,
                        $"Sentry rate-limited {operation}; it asked to wait {retryAfter.TotalSeconds:0} s.",
                        response.StatusCode, retryAfter: retryAfter);
                }

                var detail = await DetailOfAsync(response, cancellationToken);
                var status = (int)response.StatusCode;
                var what = status is >= 300 and < 400
                    ? $"Sentry answered {operation} with a redirect ({status}), which the portal does not follow; check Sentry:BaseUrl."
                    : $"Sentry answered {status} to {operation}{(detail is null ? "." : $": {detail}")}";
                throw new SentryApiException(SentryApiFailure.Refused, what, response.StatusCode, detail);
            }
        }
    }

    private static async Task<JsonDocument> ReadJsonAsync(string operation, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw Unexpected(operation, "it is not a JSON object");
            }

            return document;
        }
        catch (JsonException exception)
        {
            throw new SentryApiException(SentryApiFailure.UnexpectedAnswer, $"Sentry's answer to {operation} is not JSON.", response.StatusCode, innerException: exception);
        }
        catch (HttpRequestException exception)
        {
            throw new SentryApiException(SentryApiFailure.Unreachable, $"Sentry's answer to {operation} broke off.", innerException: exception);
        }
    }

    private static async Task<SentryInstallationInfo> ReadInstallationAsync(string operation, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var document = await ReadJsonAsync(operation, response, cancellationToken);
        var root = document.RootElement;
        var organization = root.ObjectOf("organization");
        if (!Guid.TryParse(root.StringOf("uuid"), out var uuid) || organization.StringOf("slug") is not { Length: > 0 } slug)
        {
            throw Unexpected(operation, "it names no installation uuid or organization");
        }

        var app = root.ObjectOf("app");
        return new SentryInstallationInfo(uuid, root.StringOf("status") ?? "", slug, organization.IdOf("id"), app.StringOf("slug"), app.IdOf("sentryAppId"));
    }

    private static SentryApiException Unexpected(string operation, string why) =>
        new(SentryApiFailure.UnexpectedAnswer, $"Sentry's answer to {operation} is not what the portal expects: {why}.");

    // Sentry's errors are {"detail": "..."} (sentry-contract.md §0); DRF validation errors are {"field": ["..."]}.
    private static async Task<string?> DetailOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.StringOf("detail") is { } detail)
            {
                return Clean(detail);
            }

            if (root.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in root.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.Array && property.Value.GetArrayLength() > 0
                        && property.Value[0].ValueKind == JsonValueKind.String)
                    {
                        return Clean($"{property.Name}: {property.Value[0].GetString()}");
                    }
                }
            }
        }
        catch (Exception exception) when (exception is JsonException or HttpRequestException)
        {
            // An error page rather than JSON: the status says enough.
        }

        return null;
    }

    private static string Clean(string detail)
    {
        var text = UntrustedText.ForLog(detail);
        return text.Length <= 200 ? text : text[..200] + "…";
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };

    private static string Describe(Exception exception) =>
        exception is TaskCanceledException ? "timed out" : UntrustedText.ForLog(exception.Message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sentry rate-limited {Operation}; retrying after {Seconds} s")]
    private partial void LogRateLimited(string operation, double seconds);
}
