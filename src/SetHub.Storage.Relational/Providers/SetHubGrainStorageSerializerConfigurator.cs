using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;

namespace SetHub.Storage.Relational.Providers;

/// <summary>Fills in <see cref="SetHubGrainStorageOptions.GrainStorageSerializer"/> when the application left it
/// unset: the serializer registered under the provider's name, else Orleans' binary serializer (see the option).</summary>
internal sealed class SetHubGrainStorageSerializerConfigurator(IServiceProvider services) : IPostConfigureOptions<SetHubGrainStorageOptions>
{
    public void PostConfigure(string? name, SetHubGrainStorageOptions options)
    {
        if (options.GrainStorageSerializer is not null)
        {
            return;
        }

        options.GrainStorageSerializer = (name is null ? null : services.GetKeyedService<IGrainStorageSerializer>(name))
            ?? new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>());
    }
}
