using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.SentryPlatform;

namespace Portal.Tests.SentryPlatform;

public sealed class SentryApiClientTests
{
    private const string Secret = "7a9c0d3f5e1b2c4d6e8f0a1b2c3d4e5f7a9c0d3f5e1b2c4d6e8f0a1b2c3d4e5f";
    private const string Code = "f3c71b491e3949b6b033ae45312a4fcbf3c71b491e3949b6b033ae45312a4fcb";
    private static readonly Guid Installation = Guid.Parse("a8e5d37a-696c-4c54-adb5-b3f28d64c7de");

    [Fact]
    public async Task A_429_with_a_short_Retry_After_is_waited_out_and_retried()
    {
        var sentry = new StubSentry(
            _ => Answer(HttpStatusCode.TooManyRequests, "{\"detail\":\"slow down\"}", retryAfterSeconds: 0),
            _ => Answer(HttpStatusCode.Created, TokenJson));

        var grant = await Client(sentry).ExchangeGrantAsync(Installation, Code, TestContext.Current.CancellationToken);

        Assert.Equal("tok", grant.Token);
        Assert.Equal(2, sentry.Requests.Count);
    }

    [Fact]
    public async Task A_429_asking_for_longer_than_the_client_waits_fails_as_rate_limited_with_the_delay()
    {
        var sentry = new StubSentry(_ => Answer(HttpStatusCode.TooManyRequests, "", retryAfterSeconds: 120));

        var error = await Assert.ThrowsAsync<SentryApiException>(() => Client(sentry).ExchangeGrantAsync(Installation, Code, TestContext.Current.CancellationToken));

        Assert.Equal(SentryApiFailure.RateLimited, error.Failure);
        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Single(sentry.Requests);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_says_to_check_the_base_url()
    {
        var sentry = new StubSentry(_ =>
        {
            var response = Answer(HttpStatusCode.Found, "");
            response.Headers.Location = new Uri("https://attacker.example/steal");
            return response;
        });

        var error = await Assert.ThrowsAsync<SentryApiException>(() => Client(sentry).VerifyInstallationAsync(Installation, "token-value", TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Found, error.StatusCode);
        Assert.Contains("Sentry:BaseUrl", error.Message, StringComparison.Ordinal);
        Assert.Single(sentry.Requests);
    }

    [Fact]
    public async Task A_refusal_carries_Sentrys_detail_and_no_credential()
    {
        var sentry = new StubSentry(_ => Answer(HttpStatusCode.Unauthorized, "{\"detail\":\"Grant has already expired\"}"));

        var error = await Assert.ThrowsAsync<SentryApiException>(() => Client(sentry).ExchangeGrantAsync(Installation, Code, TestContext.Current.CancellationToken));

        Assert.True(error.IsUnauthorized);
        Assert.Equal("Grant has already expired", error.Detail);
        Assert.Equal("Sentry answered 401 to the token exchange: Grant has already expired", error.Message);
        Assert.DoesNotContain(Code, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_validation_error_names_the_field_Sentry_complained_about()
    {
        var sentry = new StubSentry(_ => Answer(HttpStatusCode.BadRequest, "{\"code\":[\"This field is required.\"]}"));

        var error = await Assert.ThrowsAsync<SentryApiException>(() => Client(sentry).ExchangeGrantAsync(Installation, Code, TestContext.Current.CancellationToken));

        Assert.Equal("code: This field is required.", error.Detail);
    }

    [Fact]
    public async Task No_answer_is_reported_as_unreachable()
    {
        var sentry = new StubSentry(_ => throw new HttpRequestException("Connection refused (sentry.example:443)"));

        var error = await Assert.ThrowsAsync<SentryApiException>(() => Client(sentry).RefreshAsync(Installation, "refresh-value", TestContext.Current.CancellationToken));

        Assert.Equal(SentryApiFailure.Unreachable, error.Failure);
        Assert.StartsWith("Sentry could not be reached for the token refresh", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("refresh-value", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_manual_refresh_sends_only_the_grant_type_with_a_bearer_JWT()
    {
        var sentry = new StubSentry(_ => Answer(HttpStatusCode.Created, TokenJson));

        await Client(sentry).RefreshWithJwtAsync(Installation, TestContext.Current.CancellationToken);

        var (request, body) = Assert.Single(sentry.Requests);
        Assert.Equal("{\"grant_type\":\"urn:sentry:params:oauth:grant-type:jwt-bearer\"}", body);
        Assert.Equal("Bearer", request.Headers.Authorization!.Scheme);
        Assert.Equal(3, request.Headers.Authorization.Parameter!.Split('.').Length);
        Assert.Equal($"https://sentry.example/api/0/sentry-app-installations/{Installation}/authorizations/", request.RequestUri!.ToString());
    }

    [Fact]
    public async Task A_token_answer_keeps_its_expiry_in_UTC()
    {
        var sentry = new StubSentry(_ => Answer(HttpStatusCode.Created, TokenJson));

        var grant = await Client(sentry).RefreshAsync(Installation, "r", TestContext.Current.CancellationToken);

        Assert.Equal(new DateTimeOffset(2019, 8, 8, 4, 25, 9, 870, TimeSpan.Zero), grant.ExpiresAt);
        Assert.Equal("ref", grant.RefreshToken);
        Assert.DoesNotContain("tok", grant.ToString(), StringComparison.Ordinal);
    }

    private const string TokenJson =
        "{\"id\":\"38\",\"scopes\":[\"event:read\"],\"name\":null,\"application\":null,\"expiresAt\":\"2019-08-08T04:25:09.870Z\"," +
        "\"dateCreated\":\"2019-08-07T20:25:09.870Z\",\"state\":null,\"token\":\"tok\",\"refreshToken\":\"ref\",\"tokenLastCharacters\":\"b8f1\"}";

    private static SentryApiClient Client(StubSentry sentry) =>
        new(new HttpClient(new SentryRateLimitHandler(TimeProvider.System, NullLogger<SentryRateLimitHandler>.Instance) { InnerHandler = sentry })
            {
                BaseAddress = new Uri("https://sentry.example/"),
            },
            Options.Create(new SentryOptions { ClientId = "client", ClientSecret = Secret, BaseUrl = new Uri("https://sentry.example") }),
            TimeProvider.System);

    private static HttpResponseMessage Answer(HttpStatusCode status, string json, int? retryAfterSeconds = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
        }

        return response;
    }

    private sealed class StubSentry(params Func<HttpRequestMessage, HttpResponseMessage>[] answers) : HttpMessageHandler
    {
        public List<(HttpRequestMessage Request, string Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add((request, body));
            return answers[Math.Min(Requests.Count, answers.Length) - 1](request);
        }
    }
}
