using Portal.AlertRuleActions;
using Portal.Automations;
using Portal.Dashboard;
using Portal.Data;
using Portal.Installations;
using Portal.IssueLinking;
using Portal.Realtime;
using Portal.Scaleout;
using Portal.SentryPlatform;
using Portal.ServiceHooks;
using Portal.Shell;
using Portal.SignIn;
using Portal.Simulation;
using Portal.StacktraceLinks;
using Portal.Tenancy;
using Portal.Tickets;
using Portal.Webhooks;

var builder = WebApplication.CreateBuilder(args);

builder.AddPortalData();                 // SQLite (WAL) or PostgreSQL, IDbContextFactory, migrations
builder.AddPortalDataProtection();       // the key ring that protects tokens at rest
builder.AddScaleout();                   // several instances: optional Redis (live stream, SignalR, cache changes), caches' refresh
builder.AddSentryPlatform();             // validated Sentry options, signing keys, the Sentry API client
builder.AddTenancy();                    // organizations by Sentry's id, who sees and changes what, deny by default
builder.AddSentrySignIn();               // session cookie + "Sign in with Sentry" (local sign-in in Development)
builder.AddPortalUi();                   // Razor components, MudBlazor, health checks
builder.AddPortalTelemetry();            // JSON logs in Production; traces and metrics (OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set)
builder.AddDashboard();                  // delivery detail, replay and diff, the overview
builder.AddSimulation();                 // the simulator page's client (Development only)
builder.AddRealtime();                   // the live stream and its SignalR hub
builder.AddInstallations();              // install redirect, token exchange/refresh, verification
builder.AddTickets();                    // tickets, their links to Sentry issues, assignees
builder.AddAlertRuleActions();           // alert rules' tickets, opened and resolved as alerts fire
builder.AddAutomations();                // teams' own rules on deliveries: conditions, actions, at most once each
builder.AddStacktraceLinks();            // code mappings and the rate-limited stack-frame redirect
builder.AddServiceHooks();               // project service hooks and their secrets
builder.AddWebhooks();                   // intake → single writer → processor

var app = builder.Build();

app.UsePortalPipeline();

var fromSentry = app.MapGroup(SentryRouteExtensions.GroupPrefix).RequireSentrySignature();  // server-to-server: HMAC-checked, anonymous
fromSentry.MapWebhookEndpoints();
fromSentry.MapIssueLinkEndpoints();      // the Link Issue modal: create, link, select options
fromSentry.MapAlertRuleActionEndpoints(); // alert rules' "Create Portal ticket": settings checked before Sentry saves
fromSentry.MapServiceHookEndpoints();    // project service hooks, each signed with its own secret
app.MapUiComponentSchema();              // GET /sentry/schema.json, to paste into Sentry

app.MapInstallationEndpoints();          // GET /sentry/setup: the installer's browser, after "Install" in Sentry
app.MapStacktraceLinkEndpoints();        // GET /sentry/stacktrace-link: a stack frame → the file in the team's code host

app.MapSignInEndpoints();                // /signin, /signin/sentry → /signin-sentry, /signout
app.MapRealtimeEndpoints();              // /hubs/deliveries, behind sign-in, scoped to the person's organizations
app.MapPortalTelemetry();                // GET /metrics (Prometheus) when Portal:Telemetry:PrometheusEndpoint is on
app.MapHealthEndpoints();                // /healthz/live, /healthz/ready and /healthz (= ready), anonymous
app.MapPortalUi();                       // static assets and the admin pages behind sign-in

if (args is ["migrate", ..])
{
    await app.MigratePortalDatabaseAsync();  // `Portal migrate`: apply migrations ahead of a deploy, then exit
    return;
}

await app.PreparePortalDatabaseAsync();      // migrate on start, or refuse an outdated schema (MigrateOnStart=false)
await app.RunAsync();
