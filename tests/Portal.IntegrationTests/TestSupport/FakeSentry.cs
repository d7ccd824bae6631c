using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Portal.SentryPlatform;

namespace Portal.IntegrationTests.TestSupport;

/// <summary>
/// Sentry's side of the installation API on a loopback port, with its real semantics (sentry-contract.md §1):
/// single-use grant codes that expire after 10 minutes, refresh that deletes the old pair, the manual JWT refresh,
/// the verify call, and the 401/403/404 answers with Sentry's texts. Every request is recorded with its exact
/// path, headers and body. Knobs let a test take Sentry down, refuse verification or lose a refresh answer.
/// </summary>
public sealed class FakeSentry : IAsyncDisposable
{
    public const string ClientId = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
    public const string ClientSecret = SampleDeliveries.Secret;
    public const string AppSlug = "acme-portal";
    public const string OAuthClientId = "9a8b7c6d5e4f30211203f4e5d6c7b8a99a8b7c6d5e4f30211203f4e5d6c7b8a9";
    public const string OAuthClientSecret = "oauth-client-secret-1f2e3d4c5b6a79880f1e2d3c4b5a6978";
    public static readonly TimeSpan GrantLifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(8);

    private const string ViaKey = "fake-sentry-via";

    private readonly WebApplication app;
    private readonly object gate = new();
    private readonly Dictionary<Guid, FakeInstallation> installations = [];
    private readonly Dictionary<string, Grant> grants = [];
    private readonly Dictionary<string, TokenPair> tokens = [];
    private readonly ConcurrentBag<string> secrets = [ClientSecret, OAuthClientSecret];
    private readonly Dictionary<long, FakeUser> users = [];
    private readonly Dictionary<string, OAuthGrant> oauthGrants = [];
    private readonly Dictionary<string, long> userTokens = [];
    private readonly ConcurrentDictionary<long, FakeIssue> issues = new();

    // Sentry's organization ids, by the slug a test names them with; the samples' test-org is 5.
    private readonly ConcurrentDictionary<string, long> organizationIds = new(StringComparer.Ordinal) { ["test-org"] = 5 };
    private long nextOrganizationId = 100;
    private long nextCommentId = 5000;

    private FakeSentry(WebApplication app) => this.app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public TimeProvider Time { get; set; } = TimeProvider.System;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Every credential this fake issued or checked: none may ever appear in the portal's logs.</summary>
    public IReadOnlyCollection<string> Secrets => secrets;

    /// <summary>While true, every connection is cut before an answer: Sentry unreachable.</summary>
    public bool Down { get; set; }

    /// <summary>Answer a repeated comment text with Sentry's 400, as it does within an hour; off for older tests' simplicity.</summary>
    public bool RefuseRepeatedComments { get; set; }

    /// <summary>How many verify calls to refuse with 403 before accepting them.</summary>
    public int VerificationsToRefuse { get; set; }

    /// <summary>The next refresh rotates the pair, then the connection is cut: the answer is lost.</summary>
    public bool LoseNextRefreshAnswer { get; set; }

    /// <summary>The <c>organizations:sentry-app-manual-token-refresh</c> feature flag.</summary>
    public bool ManualRefreshEnabled { get; set; } = true;

    /// <summary>The person who approves the next sign-in at <c>/oauth/authorize/</c>.</summary>
    public FakeUser? SignedInUser { get; set; }

    /// <summary>The person clicks "Deny" on Sentry's consent page.</summary>
    public bool DenyAuthorization { get; set; }

    /// <summary>Held inside the exchange, so concurrent callers really overlap.</summary>
    public TimeSpan ExchangeDelay { get; set; }

    /// <summary>
    /// Awaited after a request is recorded and before Sentry acts on it, with the request and its abort token: a test
    /// can make calls slow, or hold one caller's call open (a process killed in the middle of processing).
    /// </summary>
    public Func<RecordedRequest, CancellationToken, Task>? BeforeAnswer { get; set; }

    /// <summary>
    /// The base URL for one of several callers: its requests are recorded with <see cref="RecordedRequest.Via"/> set
    /// to <paramref name="caller"/>, so a test with several portal processes knows which one called.
    /// </summary>
    public Uri BaseUrlFor(string caller) => new(BaseUrl, $"via/{Uri.EscapeDataString(caller)}/");

    public static async Task<FakeSentry> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var fake = new FakeSentry(builder.Build());
        fake.app.Use(RouteVia);
        fake.app.Use(fake.RecordAsync);
        // Routing after the two above, so the routes see the path without its /via/{caller} prefix.
        fake.app.UseRouting();
        fake.app.MapPost("/api/0/sentry-app-installations/{uuid}/authorizations/", fake.AuthorizeAsync);
        fake.app.MapPut("/api/0/sentry-app-installations/{uuid}/", fake.VerifyAsync);
        fake.app.MapGet("/api/0/sentry-app-installations/{uuid}/", fake.GetInstallation);
        fake.app.MapGet("/oauth/authorize/", fake.Authorize);
        fake.app.MapPost("/oauth/token/", (Delegate)fake.OAuthTokenAsync);
        fake.app.MapGet("/api/0/organizations/", fake.Organizations);
        fake.app.MapGet("/api/0/organizations/{org}/members/me/", fake.Membership);
        fake.app.MapGet("/api/0/organizations/{org}/issues/{id:long}/", fake.GetIssue);
        fake.app.MapPut("/api/0/organizations/{org}/issues/{id:long}/", fake.UpdateIssue);
        fake.app.MapPost("/api/0/organizations/{org}/issues/{id:long}/comments/", fake.AddComment);
        fake.app.MapPost("/api/0/sentry-app-installations/{uuid}/external-issues/", fake.LinkExternalIssue);
        await fake.app.StartAsync();
        var address = fake.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return fake;
    }

    /// <summary>The id Sentry gives the organization a test calls <paramref name="slug"/> (the same id every time).</summary>
    public long OrganizationIdOf(string slug) => organizationIds.GetOrAdd(slug, _ => Interlocked.Increment(ref nextOrganizationId));

    public FakeInstallation AddInstallation(string organizationSlug = "acme", long? organizationId = null) =>
        AddInstallation(Guid.NewGuid(), organizationSlug, organizationId ?? OrganizationIdOf(organizationSlug));

    public FakeInstallation AddInstallation(Guid uuid, string organizationSlug, long organizationId)
    {
        var installation = new FakeInstallation(uuid, organizationSlug, organizationId);
        lock (gate)
        {
            installations[installation.Uuid] = installation;
        }

        return installation;
    }

    /// <summary>An issue Sentry knows in <paramref name="organizationSlug"/>; tests change its state as a user in Sentry would.</summary>
    public FakeIssue AddIssue(string organizationSlug, long id, string shortId, string status = "unresolved")
    {
        var issue = new FakeIssue(organizationSlug, OrganizationIdOf(organizationSlug), id, shortId) { Status = status };
        issues[id] = issue;
        return issue;
    }

    /// <summary>External issues registered through the API (the sidebar links made from the portal side).</summary>
    public ConcurrentQueue<JsonElement> ExternalIssues { get; } = new();

    /// <summary>A Sentry user who owns each of <paramref name="organizations"/> (by the ids <see cref="OrganizationIdOf"/> gives).</summary>
    public FakeUser AddUser(long id, string name, params string[] organizations) =>
        AddMember(id, name, [.. organizations.Select(slug => new FakeMembership(OrganizationIdOf(slug), slug, "owner"))]);

    /// <summary>A Sentry user with exactly these memberships: any id, slug and role, as Sentry would list them.</summary>
    public FakeUser AddMember(long id, string name, params FakeMembership[] memberships)
    {
        var user = new FakeUser(id, name, $"{name.Split(' ')[0].ToLowerInvariant()}@example.com", memberships);
        lock (gate)
        {
            users[id] = user;
        }

        return user;
    }

    /// <summary>What Sentry creates when someone clicks Install: a grant code bound to the installation.</summary>
    public string IssueGrant(FakeInstallation installation, string? code = null)
    {
        ArgumentNullException.ThrowIfNull(installation);
        code ??= Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        lock (gate)
        {
            grants[code] = new Grant(installation.Uuid, Time.GetUtcNow());
        }

        secrets.Add(code);
        return code;
    }

    /// <summary>A non-expiring token, as an internal integration has.</summary>
    public string IssueStaticToken(FakeInstallation installation)
    {
        ArgumentNullException.ThrowIfNull(installation);
        lock (gate)
        {
            return IssuePair(installation.Uuid, expires: false).Token;
        }
    }

    public int CountRequests(string method, string pathEnd, string? grantType = null) =>
        Requests.Count(r => r.Method == method && r.Path.EndsWith(pathEnd, StringComparison.Ordinal)
            && (grantType is null || r.Body.Contains($"\"grant_type\":\"{grantType}\"", StringComparison.Ordinal)));

    public string? CurrentToken(FakeInstallation installation)
    {
        ArgumentNullException.ThrowIfNull(installation);
        lock (gate)
        {
            return tokens.Values.FirstOrDefault(t => t.Installation == installation.Uuid)?.Token;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    // /via/{caller}/api/0/… is /api/0/… called by {caller}.
    private static Task RouteVia(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path.Value ?? "";
        if (path.StartsWith("/via/", StringComparison.Ordinal) && path.IndexOf('/', 5) is > 5 and var end)
        {
            context.Items[ViaKey] = Uri.UnescapeDataString(path[5..end]);
            context.Request.Path = path[end..];
        }

        return next(context);
    }

    private async Task RecordAsync(HttpContext context, RequestDelegate next)
    {
        context.Request.EnableBuffering();
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8, leaveOpen: true);
        var body = await reader.ReadToEndAsync();
        context.Request.Body.Position = 0;
        var recorded = new RecordedRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body,
            context.Items[ViaKey] as string);
        Requests.Enqueue(recorded);
        if (Down)
        {
            context.Abort();
            return;
        }

        if (BeforeAnswer is { } beforeAnswer)
        {
            await beforeAnswer(recorded, context.RequestAborted);
        }

        await next(context);
    }

    private async Task<IResult> AuthorizeAsync(HttpContext context, string uuid)
    {
        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            return Detail(401, "Invalid request");
        }

        JsonElement body;
        try
        {
            body = (await JsonDocument.ParseAsync(context.Request.Body)).RootElement;
        }
        catch (JsonException)
        {
            return Detail(401, "Invalid request");
        }

        var grantType = body.StringOf("grant_type");
        if (grantType == "urn:sentry:params:oauth:grant-type:jwt-bearer")
        {
            return ManualRefresh(context, uuid);
        }

        if (body.StringOf("client_id") != ClientId || body.StringOf("client_secret") != ClientSecret)
        {
            return Detail(401, "Invalid Client ID / Secret pair");
        }

        if (!Guid.TryParse(uuid, out var installationUuid) || !Knows(installationUuid))
        {
            return Detail(404, "Could not find given sentry app installation");
        }

        if (ExchangeDelay > TimeSpan.Zero)
        {
            await Task.Delay(ExchangeDelay);
        }

        switch (grantType)
        {
            case "authorization_code":
                return ExchangeCode(installationUuid, body.StringOf("code"));
            case "refresh_token":
                var answer = Refresh(installationUuid, body.StringOf("refresh_token"));
                if (LoseNextRefreshAnswer && answer is TokenAnswer)
                {
                    LoseNextRefreshAnswer = false;
                    context.Abort();
                }

                return answer;
            default:
                return Detail(403, "Invalid grant_type");
        }
    }

    private IResult ExchangeCode(Guid installationUuid, string? code)
    {
        lock (gate)
        {
            if (code is null || !grants.TryGetValue(code, out var grant))
            {
                return Detail(401, "Could not find grant for given code");
            }

            if (grant.Installation != installationUuid)
            {
                return Detail(401, "Forbidden grant");
            }

            if (Time.GetUtcNow() - grant.CreatedAt > GrantLifetime)
            {
                return Detail(401, "Grant has already expired");
            }

            grants.Remove(code);
            return new TokenAnswer(IssuePair(installationUuid, expires: true), Time.GetUtcNow());
        }
    }

    private IResult Refresh(Guid installationUuid, string? refreshToken)
    {
        lock (gate)
        {
            var pair = tokens.Values.FirstOrDefault(t => t.RefreshToken == refreshToken && refreshToken is not null);
            if (pair is null)
            {
                return Detail(401, "Given refresh token does not exist");
            }

            if (pair.Installation != installationUuid)
            {
                return Detail(400, "Token does not belong to the application");
            }

            return new TokenAnswer(IssuePair(installationUuid, expires: true), Time.GetUtcNow());
        }
    }

    private IResult ManualRefresh(HttpContext context, string uuid)
    {
        if (BearerOf(context) is not { } jwt || !ValidJwt(jwt))
        {
            return Detail(401, "Invalid Client ID / Secret pair");
        }

        if (!Guid.TryParse(uuid, out var installationUuid) || !Knows(installationUuid))
        {
            return Detail(404, "Could not find given sentry app installation");
        }

        if (!ManualRefreshEnabled)
        {
            return Detail(403, "Manual token refresh is not enabled for this organization");
        }

        lock (gate)
        {
            return new TokenAnswer(IssuePair(installationUuid, expires: true), Time.GetUtcNow());
        }
    }

    private IResult VerifyAsync(HttpContext context, string uuid, JsonElement body)
    {
        if (Authenticate(context, uuid) is { } refusal)
        {
            return refusal;
        }

        if (body.StringOf("status") is not "installed")
        {
            return Detail(400, $"Invalid value '{body.StringOf("status")}' for status. Valid values: 'installed'");
        }

        if (VerificationsToRefuse > 0)
        {
            VerificationsToRefuse--;
            return Detail(403, "You do not have permission to perform this action.");
        }

        var installation = installations[Guid.Parse(uuid)];
        installation.Status = "installed";
        return Results.Json(Describe(installation));
    }

    private IResult GetInstallation(HttpContext context, string uuid) =>
        Authenticate(context, uuid) ?? Results.Json(Describe(installations[Guid.Parse(uuid)]));

    private IResult? Authenticate(HttpContext context, string uuid)
    {
        var token = BearerOf(context) ?? "";
        lock (gate)
        {
            if (!tokens.TryGetValue(token, out var pair) || !Guid.TryParse(uuid, out var installationUuid) || pair.Installation != installationUuid)
            {
                return Detail(401, "Invalid token");
            }

            return pair.ExpiresAt is { } expiresAt && expiresAt <= Time.GetUtcNow() ? Detail(401, "Token expired") : null;
        }
    }

    // §5.1: validates the request like Sentry, then answers as the person's browser sees it (a 302 back).
    private IResult Authorize(HttpContext context)
    {
        var query = context.Request.Query;
        var redirectUri = query["redirect_uri"].ToString();
        if (query["response_type"] != "code" || query["client_id"] != OAuthClientId
            || !Uri.TryCreate(redirectUri, UriKind.Absolute, out var redirect) || redirect.AbsolutePath != "/signin-sentry")
        {
            return Results.BadRequest("invalid request");
        }

        if (query["code_challenge_method"] != "S256" || !System.Text.RegularExpressions.Regex.IsMatch(query["code_challenge"].ToString(), "^[A-Za-z0-9\\-._~]{43,128}$"))
        {
            return Results.BadRequest("invalid code_challenge");
        }

        var state = Uri.EscapeDataString(query["state"].ToString());
        if (DenyAuthorization || SignedInUser is null)
        {
            return Results.Redirect($"{redirectUri}?error=access_denied&state={state}");
        }

        var code = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        lock (gate)
        {
            oauthGrants[code] = new OAuthGrant(SignedInUser.Id, query["code_challenge"].ToString(), redirectUri, Time.GetUtcNow());
        }

        secrets.Add(code);
        return Results.Redirect($"{redirectUri}?code={code}&state={state}");
    }

    // §5.2: form-encoded, client credentials in the body, PKCE checked against the challenge of /authorize.
    private async Task<IResult> OAuthTokenAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            return Results.Json(new { error = "invalid_request" }, statusCode: 400);
        }

        var form = await context.Request.ReadFormAsync();
        if (form["client_id"] != OAuthClientId || form["client_secret"] != OAuthClientSecret)
        {
            return Results.Json(new { error = "invalid_client" }, statusCode: 401);
        }

        if (form["grant_type"] != "authorization_code")
        {
            return Results.Json(new { error = "unsupported_grant_type" }, statusCode: 400);
        }

        OAuthGrant? grant;
        lock (gate)
        {
            if (oauthGrants.Remove(form["code"].ToString(), out grant) is false)
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }
        }

        var challenge = System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString())));
        if (grant.RedirectUri != form["redirect_uri"] || challenge != grant.CodeChallenge || Time.GetUtcNow() - grant.CreatedAt > GrantLifetime)
        {
            return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var refresh = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        FakeUser user;
        lock (gate)
        {
            userTokens[token] = grant.User;
            user = users[grant.User];
        }

        secrets.Add(token);
        secrets.Add(refresh);
        return Results.Json(new
        {
            access_token = token,
            refresh_token = refresh,
            expires_in = 2591999,
            expires_at = (Time.GetUtcNow() + TimeSpan.FromDays(30)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            token_type = "Bearer",
            scope = "org:read",
            user = new { id = user.Id.ToString(CultureInfo.InvariantCulture), name = user.Name, email = user.Email },
        });
    }

    private IResult Organizations(HttpContext context)
    {
        var token = BearerOf(context) ?? "";
        lock (gate)
        {
            if (!userTokens.TryGetValue(token, out var userId))
            {
                return Detail(401, "Invalid token");
            }

            // OrganizationSerializer writes the id as a string (src/sentry/api/serializers/models/organization.py).
            return Results.Json(users[userId].Memberships.Select(m => new { id = m.OrganizationId.ToString(CultureInfo.InvariantCulture), slug = m.Slug, name = m.Slug }));
        }
    }

    // GET /api/0/organizations/{organization_id_or_slug}/members/me/: the person's membership; orgRole is the role.
    private IResult Membership(HttpContext context, string org)
    {
        var token = BearerOf(context) ?? "";
        lock (gate)
        {
            if (!userTokens.TryGetValue(token, out var userId))
            {
                return Detail(401, "Invalid token");
            }

            var membership = users[userId].Memberships.FirstOrDefault(m => Names(org, m.Slug, m.OrganizationId));
            return membership is null
                ? Detail(404, "The requested resource does not exist")
                : Results.Json(new { id = "77", email = users[userId].Email, orgRole = membership.Role, role = membership.Role, roleName = membership.Role });
        }
    }

    // Sentry takes an organization's id wherever it takes its slug (organization_id_or_slug): a number is an id.
    private static bool Names(string org, string slug, long id) =>
        long.TryParse(org, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number == id : org == slug;

    private IResult GetIssue(HttpContext context, string org, long id) =>
        AuthenticateOrganization(context, org) ?? (issues.TryGetValue(id, out var issue) && Names(org, issue.OrganizationSlug, issue.OrganizationId)
            ? Results.Json(issue.Serialize())
            : Detail(404, "The requested resource does not exist"));

    private IResult UpdateIssue(HttpContext context, string org, long id, JsonElement body)
    {
        if (AuthenticateOrganization(context, org) is { } refusal)
        {
            return refusal;
        }

        if (!issues.TryGetValue(id, out var issue) || !Names(org, issue.OrganizationSlug, issue.OrganizationId))
        {
            return Detail(404, "The requested resource does not exist");
        }

        // Only the submitted keys change (sentry-contract.md §6); the portal sends one at a time.
        if (body.EnumerateObject().Count() != 1)
        {
            return Detail(400, "Send one change at a time");
        }

        if (body.TryGetProperty("status", out _))
        {
            if (body.StringOf("status") is not ("resolved" or "unresolved" or "ignored"))
            {
                return Detail(400, "Invalid status");
            }

            issue.Status = body.StringOf("status")!;
        }
        else if (body.TryGetProperty("priority", out _))
        {
            if (body.StringOf("priority") is not ("high" or "medium" or "low"))
            {
                return Detail(400, "Invalid priority");
            }

            issue.Priority = body.StringOf("priority")!;
        }
        else if (body.StringOf("assignedTo") is { Length: > 0 } assignee)
        {
            issue.Assignee = assignee;
        }
        else
        {
            return Detail(400, "Nothing to change");
        }

        return Results.Json(issue.Serialize());
    }

    private IResult AddComment(HttpContext context, string org, long id, JsonElement body)
    {
        if (AuthenticateOrganization(context, org) is { } refusal)
        {
            return refusal;
        }

        if (!issues.TryGetValue(id, out var issue) || !Names(org, issue.OrganizationSlug, issue.OrganizationId))
        {
            return Detail(404, "The requested resource does not exist");
        }

        var text = body.StringOf("text") ?? "";

        // Sentry refuses the same text from the same user within an hour (sentry-contract.md §6).
        if (RefuseRepeatedComments && issue.Comments.Any(c => c.Text == text))
        {
            return Detail(400, "You have already posted that comment.");
        }

        var commentId = Interlocked.Increment(ref nextCommentId);
        issue.Comments.Enqueue((commentId, text));
        return Results.Json(new { id = commentId.ToString(CultureInfo.InvariantCulture), type = "note", data = new { text } }, statusCode: 201);
    }

    private IResult LinkExternalIssue(HttpContext context, string uuid, JsonElement body)
    {
        if (Authenticate(context, uuid) is { } refusal)
        {
            return refusal;
        }

        if (!body.TryGetProperty("issueId", out var issueId) || !issueId.TryGetInt64(out var id) || !issues.ContainsKey(id))
        {
            return Detail(404, "Could not find the corresponding issue for the given issueId");
        }

        ExternalIssues.Enqueue(body.Clone());
        return Results.Json(new { id = "1", issueId = id.ToString(CultureInfo.InvariantCulture), serviceType = AppSlug, displayName = $"{body.StringOf("project")}#{body.StringOf("identifier")}", webUrl = body.StringOf("webUrl") });
    }

    // An installation token may act in its own organization only.
    private IResult? AuthenticateOrganization(HttpContext context, string org)
    {
        var token = BearerOf(context) ?? "";
        lock (gate)
        {
            if (!tokens.TryGetValue(token, out var pair) || (pair.ExpiresAt is { } expiresAt && expiresAt <= Time.GetUtcNow()))
            {
                return Detail(401, "Invalid token");
            }

            var installation = installations[pair.Installation];
            return Names(org, installation.OrganizationSlug, installation.OrganizationId) ? null : Detail(403, "You do not have permission to perform this action.");
        }
    }

    private static string? BearerOf(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : null;
    }

    private bool Knows(Guid installationUuid)
    {
        lock (gate)
        {
            return installations.ContainsKey(installationUuid);
        }
    }

    // Sentry deletes the installation's previous token whenever it issues one (a public installation has one live pair).
    private TokenPair IssuePair(Guid installationUuid, bool expires)
    {
        foreach (var stale in tokens.Values.Where(t => t.Installation == installationUuid).ToList())
        {
            tokens.Remove(stale.Token);
        }

        var pair = new TokenPair(
            installationUuid,
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            expires ? Time.GetUtcNow() + TokenLifetime : null);
        tokens[pair.Token] = pair;
        secrets.Add(pair.Token);
        secrets.Add(pair.RefreshToken);
        return pair;
    }

    private bool ValidJwt(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(ClientSecret), Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
        if (!CryptographicOperations.FixedTimeEquals(expected, System.Buffers.Text.Base64Url.DecodeFromChars(parts[2])))
        {
            return false;
        }

        using var header = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[0]));
        using var payload = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]));
        var claims = payload.RootElement;
        var now = Time.GetUtcNow().ToUnixTimeSeconds();
        return header.RootElement.StringOf("alg") == "HS256"
            && claims.StringOf("iss") == ClientId && claims.StringOf("sub") == ClientId
            && claims.TryGetProperty("exp", out var exp) && exp.GetInt64() > now
            && claims.TryGetProperty("iat", out var iat) && iat.GetInt64() <= now + 5
            && claims.StringOf("jti") is { Length: > 0 };
    }

    private static object Describe(FakeInstallation installation) => new
    {
        app = new { uuid = "2ebf071f-28df-4989-aca9-c37c763b278f", slug = AppSlug, sentryAppId = 42 },
        organization = new { slug = installation.OrganizationSlug, id = installation.OrganizationId },
        uuid = installation.Uuid.ToString("D"),
        status = installation.Status,
    };

    private static IResult Detail(int status, string detail) => Results.Json(new { detail }, statusCode: status);

    /// <summary>One request as the fake received it; <c>Via</c> is the caller named in its base URL (<see cref="BaseUrlFor"/>), or null.</summary>
    public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body, string? Via = null);

    private sealed record Grant(Guid Installation, DateTimeOffset CreatedAt);

    private sealed record OAuthGrant(long User, string CodeChallenge, string RedirectUri, DateTimeOffset CreatedAt);

    private sealed record TokenPair(Guid Installation, string Token, string RefreshToken, DateTimeOffset? ExpiresAt);

    // 201 with the token object exactly as §1.4 shows it, datetimes in DRF's millisecond form.
    private sealed class TokenAnswer(TokenPair pair, DateTimeOffset now) : IResult
    {
        private static readonly string[] Scopes = ["event:read", "event:write", "org:read", "project:read"];

        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status201Created;
            return httpContext.Response.WriteAsJsonAsync(new
            {
                id = "38",
                scopes = Scopes,
                name = (string?)null,
                application = (string?)null,
                expiresAt = pair.ExpiresAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                dateCreated = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                state = (string?)null,
                token = pair.Token,
                refreshToken = pair.RefreshToken,
                tokenLastCharacters = pair.Token[^4..],
            });
        }
    }
}

/// <summary>An installation as the fake Sentry knows it.</summary>
public sealed class FakeInstallation(Guid uuid, string organizationSlug, long organizationId)
{
    public Guid Uuid { get; } = uuid;

    /// <summary>The organization's slug now: an owner may rename it in Sentry.</summary>
    public string OrganizationSlug { get; set; } = organizationSlug;

    public long OrganizationId { get; } = organizationId;

    public string Status { get; set; } = "pending";
}

/// <summary>A Sentry user who can sign in to the portal, and the organizations they belong to.</summary>
public sealed record FakeUser(long Id, string Name, string Email, IReadOnlyList<FakeMembership> Memberships);

/// <summary>A person's membership of an organization as Sentry lists it: the organization's id and slug, their role.</summary>
public sealed record FakeMembership(long OrganizationId, string Slug, string Role);

/// <summary>An issue as Sentry holds it: its status, assignee and the comments the API added.</summary>
public sealed class FakeIssue(string organizationSlug, long organizationId, long id, string shortId)
{
    public string OrganizationSlug { get; } = organizationSlug;

    public long OrganizationId { get; } = organizationId;

    public long Id { get; } = id;

    public string ShortId { get; } = shortId;

    public string Status { get; set; } = "unresolved";

    public (long Id, string Name)? AssignedTo { get; set; }

    /// <summary>The last <c>assignedTo</c> the API was given, as given (<c>user:1</c>, <c>team:2</c>, an email …).</summary>
    public string? Assignee { get; set; }

    public string Priority { get; set; } = "medium";

    public ConcurrentQueue<(long Id, string Text)> Comments { get; } = new();

    public object Serialize() => new
    {
        id = Id.ToString(CultureInfo.InvariantCulture),
        shortId = ShortId,
        title = "ZeroDivisionError: café total",
        status = Status,
        permalink = $"https://{OrganizationSlug}.sentry.io/issues/{Id}/",
        project = new { id = "1", slug = "front-end", name = "front-end" },
        assignedTo = AssignedTo is { } user ? new { type = "user", id = user.Id.ToString(CultureInfo.InvariantCulture), name = user.Name, email = "x@example.com" } : null,
    };
}
