namespace Portal.Simulation;

internal static class SimulationRegistration
{
    /// <summary>The Development simulator page's HTTP client; nothing outside Development (design.md §3).</summary>
    public static IHostApplicationBuilder AddSimulation(this IHostApplicationBuilder builder)
    {
        if (builder.Environment.IsDevelopment())
        {
            builder.Services.AddHttpClient(SimulatorPage.HttpClientName);
        }

        return builder;
    }
}
