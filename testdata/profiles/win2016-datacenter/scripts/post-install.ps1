# Post-installation script for #predefined.hostPlatforms.networkSettings.hostname#
$log = "#logpath#"
Set-WinSystemLocale -SystemLocale "#server-settings.server.locale#"
foreach ($ntp in "#common-ntpservers.ntpserver#") { w32tm /config /manualpeerlist:$ntp }
