#!/bin/sh
# Install the JRE to #predefined.unattendSettings.postinstallConfig#
tar -xzf jre.tar.gz -C /opt
