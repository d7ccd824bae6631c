namespace Portal.IntegrationTests.TestSupport;

/// <summary>The real host in Production, with the settings Production insists on (its validation stops the start without them).</summary>
internal static class ProductionPortal
{
    public static PortalFactory Create(string environment = "Production")
    {
        var factory = new PortalFactory { EnvironmentName = environment };
        factory.Settings["Sentry:ClientId"] = "test-client-id";
        factory.Settings["Sentry:AppSlug"] = "test-app";
        factory.Settings["SignIn:ClientId"] = "test-oauth-client";
        factory.Settings["SignIn:ClientSecret"] = "test-oauth-secret";
        return factory;
    }
}
