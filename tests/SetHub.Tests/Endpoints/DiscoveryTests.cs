using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using SetHub.Hosting;
using SetHub.Tests.Infrastructure;
using SetHub.Tests.Shared;

namespace SetHub.Tests.Endpoints;

/// <summary>SSF 1.0 §7 discovery and the JWKS.</summary>
public sealed class DiscoveryTests(SetHubServer server)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metadata_IsServedAtTheInsertedAndTheAppendedPath()
    {
        var tenant = await TestTenant.CreateAsync(server);
        using var anonymous = server.CreateClient();

        // R80: the well-known string goes between host and path; some clients append it, so that works too.
        var inserted = await anonymous.GetFromJsonElementAsync($"/.well-known/ssf-configuration/tenants/{tenant.TenantId}");
        var appended = await anonymous.GetFromJsonElementAsync($"/tenants/{tenant.TenantId}/.well-known/ssf-configuration");

        Assert.Equal(inserted.GetRawText(), appended.GetRawText());
        Assert.Equal(tenant.Issuer, inserted.GetProperty("issuer").GetString());
    }

    [Fact]
    public async Task Metadata_WithATrailingSlash_IsTheSameDocument()
    {
        // R80, SSF 1.0 §7.2.1: a trailing '/' of the issuer path is stripped; the issuer itself never has one.
        var tenant = await TestTenant.CreateAsync(server);
        using var anonymous = server.CreateClient();

        var plain = await anonymous.GetFromJsonElementAsync($"/.well-known/ssf-configuration/tenants/{tenant.TenantId}");
        var slashed = await anonymous.GetFromJsonElementAsync($"/.well-known/ssf-configuration/tenants/{tenant.TenantId}/");

        Assert.Equal(plain.GetRawText(), slashed.GetRawText());
        Assert.Equal(tenant.Issuer, slashed.GetProperty("issuer").GetString());
        Assert.False(tenant.Issuer.EndsWith('/'));
    }

    [Fact]
    public async Task Metadata_ListsEveryContractField()
    {
        var tenant = await TestTenant.CreateAsync(server, """{"default_subjects":"ALL"}""");

        foreach (var field in new[] { "spec_version", "issuer", "jwks_uri", "delivery_methods_supported", "configuration_endpoint", "status_endpoint", "add_subject_endpoint", "remove_subject_endpoint", "verification_endpoint", "authorization_schemes", "default_subjects" })
        {
            Assert.True(tenant.Metadata.TryGetProperty(field, out _), field);
        }

        Assert.Equal("ALL", tenant.Metadata.GetProperty("default_subjects").GetString());
    }

    [Theory]
    [InlineData("/.well-known/ssf-configuration/tenants/no-such-tenant")]
    [InlineData("/.well-known/ssf-configuration/tenants/no-such-tenant/")]
    [InlineData("/.well-known/ssf-configuration/")]
    [InlineData("/.well-known/ssf-configuration/elsewhere/acme")]
    [InlineData("/.well-known/ssf-configuration")]
    [InlineData("/tenants/no-such-tenant/jwks.json")]
    public async Task UnknownIssuer_Returns404WithJson(string path)
    {
        using var anonymous = server.CreateClient();

        using var response = await anonymous.GetAsync(path, Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Metadata_IsPublic_AndJsonTyped()
    {
        var tenant = await TestTenant.CreateAsync(server);
        using var anonymous = server.CreateClient();

        using var response = await anonymous.GetAsync($"/.well-known/ssf-configuration/tenants/{tenant.TenantId}", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // R81, R88: readable without authentication
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task PublicBaseUrlWithAPath_MovesIssuersAndEndpointsUnderIt()
    {
        var port = LoopbackPorts.Free();
        var app = SetHubApplication.Build(
            [
                "--urls", $"http://127.0.0.1:{port}",
                $"--SetHub:PublicBaseUrl=http://127.0.0.1:{port}/hub/",
                $"--SetHub:AdminToken={SetHubServer.AdminToken}",
                $"--SetHub:MasterKey={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}",
                $"--ConnectionStrings:SetHub=Data Source={Path.Combine(Path.GetTempPath(), "sethub-http-tests", Guid.NewGuid().ToString("N"), "hub.db")}",
            ],
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await SetHubApplication.InitializeAsync(app, Cancel);
        await app.StartAsync(Cancel);
        try
        {
            using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            admin.DefaultRequestHeaders.Authorization = new("Bearer", SetHubServer.AdminToken);
            using var created = await admin.PutAsync("/hub/admin/tenants/acme", TestTenant.Json("{}"), Cancel);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var body = await TestTenant.ReadJsonAsync(created);
            Assert.Equal($"http://127.0.0.1:{port}/hub/tenants/acme", body.GetProperty("issuer").GetString());
            Assert.Equal($"http://127.0.0.1:{port}/.well-known/ssf-configuration/hub/tenants/acme", body.GetProperty("ssf_configuration_url").GetString());

            var metadata = await admin.GetFromJsonElementAsync(body.GetProperty("ssf_configuration_url").GetString()!);
            Assert.Equal($"http://127.0.0.1:{port}/hub/tenants/acme/ssf/streams", metadata.GetProperty("configuration_endpoint").GetString());
            using var jwks = await admin.GetAsync(metadata.GetProperty("jwks_uri").GetString(), Cancel);
            Assert.Equal(HttpStatusCode.OK, jwks.StatusCode);
        }
        finally
        {
            await app.StopAsync(Cancel);
            await app.DisposeAsync();
        }
    }
}
