/* `ecrlite push`: an image archive into a repository, in one transaction. ECR has no
 * archive upload call; this is ecrlite's own door in, shared by every frontend. */
#ifndef ECR_PUSH_H
#define ECR_PUSH_H
#include <jansson.h>

#include "ecr.h"

/* ecr_push is declared in ecr.h (frontends call it). */

#endif
