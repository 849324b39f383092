using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SetHub.Tests.Infrastructure;

namespace SetHub.Tests.Endpoints;

/// <summary>The OpenAPI document is generated from the endpoints, so it cannot drift: every mapped route and method is
/// in it, and a page browses it.</summary>
public sealed partial class OpenApiTests(SetHubServer server)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryMappedRoute_IsInTheDocument_WithEachOfItsMethods()
    {
        using var anonymous = server.CreateClient();
        var document = await anonymous.GetFromJsonElementAsync("/openapi/v1.json");
        var paths = document.GetProperty("paths");

        var routes = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText != "/openapi/{documentName}.json")
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(method =>
                (Path: Normalize(endpoint.RoutePattern.RawText!), Method: method.ToLowerInvariant())))
            .ToList();

        Assert.True(routes.Count >= 30, $"only {routes.Count} routes found");
        Assert.All(routes, route => Assert.True(
            paths.TryGetProperty(route.Path, out var item) && item.TryGetProperty(route.Method, out _),
            $"{route.Method.ToUpperInvariant()} {route.Path} is not in /openapi/v1.json"));
    }

    [Fact]
    public async Task ThePage_ServesFromTheNode()
    {
        using var anonymous = server.CreateClient();

        using var page = await anonymous.GetAsync("/openapi/index.html", Cancel);
        using var script = await anonymous.GetAsync("/openapi/swagger-ui-bundle.js", Cancel);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<title>SetHub API</title>", await page.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode); // from the node itself: the page works offline
    }

    // OpenAPI path templates have no catch-all ({**issuerPath} is {issuerPath} there) and no trailing slash (a group's
    // own route is "/admin/tenants/{tenantId}/").
    private static string Normalize(string pattern)
    {
        var path = CatchAll().Replace(pattern, "{$1}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    [GeneratedRegex(@"\{\*\*?([^}]+)\}")]
    private static partial Regex CatchAll();
}
