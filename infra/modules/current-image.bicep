metadata description = 'Reads the image the existing SetHub container app runs, so that provisioning again keeps what `azd deploy` put there.'

@description('Name of the existing container app.')
param appName string

resource app 'Microsoft.App/containerApps@2026-01-01' existing = {
  name: appName
}

@description('Image of the app\'s first container.')
output image string = app.properties.template.containers[0].image
