#include "agentstore.h"
