/* SPDX-License-Identifier: MIT */
#ifndef TSMSIM_TOOLS_VERSION_H
#define TSMSIM_TOOLS_VERSION_H
#define TSMSIM_VERSION "0.1.0"
#define TSMSIM_CONTRACT "scenario contract v1.1"
#endif
