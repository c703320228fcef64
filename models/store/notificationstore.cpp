#include "notificationstore.h"
