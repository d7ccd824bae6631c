using System.Text.Json;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.SentryPlatform.Payloads;

namespace Portal.SentryPlatform;

/// <summary>
/// Everything the portal asks of Sentry's API, with the bodies exactly as sentry-contract.md §1 and §6 give them
/// (each request built by <see cref="SentryApiRequest"/>). The HttpClient behind it follows no redirects, gives each
/// attempt <see cref="SentryPlatformRegistration.ApiTimeout"/> and waits out short 429s (<see cref="SentryRateLimitHandler"/>).
/// Failures surface as <see cref="SentryApiException"/>s whose messages carry Sentry's words but never a credential.
/// </summary>
internal sealed partial class SentryApiClient(HttpClient http, IOptions<SentryOptions> options, TimeProvider time)
{
    public const string JwtBearerGrantType = "urn:sentry:params:oauth:grant-type:jwt-bearer";

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
    public Task<SentryInstallationInfo> VerifyInstallationAsync(Guid installationId, string accessToken, CancellationToken cancellationToken) =>
        ReadInstallationAsync(
            SentryApiRequest.Create("the installation verification", HttpMethod.Put, InstallationPath(installationId), accessToken,
                writer => writer.WriteString("status", "installed")),
            cancellationToken);

    /// <summary>
    /// <c>GET …/sentry-app-installations/{id}/</c>: the installation as Sentry has it, which tells the organization
    /// when verification is off (INFERRED from Sentry's <c>SentryAppInstallationDetailsEndpoint.get</c>).
    /// </summary>
    public Task<SentryInstallationInfo> GetInstallationAsync(Guid installationId, string accessToken, CancellationToken cancellationToken) =>
        ReadInstallationAsync(
            SentryApiRequest.Create("reading the installation", HttpMethod.Get, InstallationPath(installationId), accessToken),
            cancellationToken);

    private static string InstallationPath(Guid installationId) =>
        $"api/0/sentry-app-installations/{installationId:D}/";

    private async Task<SentryTokenGrant> AuthorizeAsync(
        string operation, Guid installationId, string? bearer, Action<Utf8JsonWriter> writeBody, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            SentryApiRequest.Create(operation, HttpMethod.Post, $"{InstallationPath(installationId)}authorizations/", bearer, writeBody),
            cancellationToken);
        using var document = await ReadJsonAsync(operation, response, cancellationToken);
        return SentryTokenGrant.From(document.RootElement) ?? throw Unexpected(operation, "it has no token");
    }

    private async Task<SentryInstallationInfo> ReadInstallationAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = SentryApiRequest.OperationOf(request);
        using var response = await SendAsync(request, cancellationToken);
        using var document = await ReadJsonAsync(operation, response, cancellationToken);
        return SentryInstallationInfo.From(document.RootElement) ?? throw Unexpected(operation, "it names no installation uuid or organization");
    }

    /// <summary>Sends <paramref name="request"/> (and disposes it); a non-2xx answer becomes a <see cref="SentryApiException"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = SentryApiRequest.OperationOf(request);
        HttpResponseMessage response;
        using (request)
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
            var detail = await DetailOfAsync(response, cancellationToken);
            var status = (int)response.StatusCode;
            var what = status is >= 300 and < 400
                ? $"Sentry answered {operation} with a redirect ({status}), which the portal does not follow; check Sentry:BaseUrl."
                : $"Sentry answered {status} to {operation}{(detail is null ? "." : $": {detail}")}";
            throw new SentryApiException(SentryApiFailure.Refused, what, response.StatusCode, detail);
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

    // Sentry's detail goes into stored errors and snackbars: a sentence's worth is enough.
    private static string Clean(string detail) => ErrorText.Cut(UntrustedText.ForLog(detail), 200);

    private static string Describe(Exception exception) =>
        exception is TaskCanceledException ? "timed out" : UntrustedText.ForLog(exception.Message);
}
